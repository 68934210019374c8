//! The catalogue of runnable demos: what `concepts list` shows and `concepts run` runs.
//!
//! Each chapter module exposes a `DEMOS` slice of [`Demo`] values; [`chapters`] gathers
//! them in the seed's order. A demo returns the lines it shows instead of printing them,
//! so tests can assert them and the binary can print them.

use thiserror::Error;

/// One runnable demo: the Rust counterpart of one seed file (or one part of one).
#[derive(Debug, Clone, Copy)]
pub struct Demo {
    /// Short name used on the command line, e.g. `basics`.
    pub name: &'static str,
    /// The seed file it answers, e.g. `MetaClasses/basics.py`.
    pub seed_file: &'static str,
    /// One line saying what it shows.
    pub title: &'static str,
    /// The explanation printed before its output: the Python idea and the Rust answer.
    pub explanation: &'static str,
    /// Runs the demo and returns the lines it shows.
    pub run: fn() -> Vec<String>,
}

/// A chapter of the seed: a name for the command line and its demos in the seed's order.
#[derive(Debug, Clone, Copy)]
pub struct Chapter {
    /// Name used on the command line, e.g. `metaclasses`.
    pub name: &'static str,
    /// Human title, e.g. `Metaclasses`.
    pub title: &'static str,
    /// The demos, in the seed's order.
    pub demos: &'static [Demo],
}

/// Every chapter, in the seed's order.
pub fn chapters() -> [Chapter; 5] {
    [
        Chapter {
            name: "metaclasses",
            title: "Metaclasses",
            demos: crate::metaclasses::DEMOS,
        },
        Chapter {
            name: "abcs",
            title: "Abstract base classes",
            demos: crate::abcs::DEMOS,
        },
        Chapter {
            name: "dataclasses",
            title: "Dataclasses",
            demos: crate::dataclasses::DEMOS,
        },
        Chapter {
            name: "asyncio",
            title: "Asyncio",
            demos: crate::asyncio::DEMOS,
        },
        Chapter {
            name: "http",
            title: "HTTP client and server (aiohttp)",
            demos: crate::http::DEMOS,
        },
    ]
}

/// A `concepts run` argument that names no chapter or demo.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LookupError {
    /// No chapter has this name.
    #[error("no chapter named '{0}'; run `concepts list` to see the chapters")]
    UnknownChapter(String),
    /// The chapter exists but has no demo of this name.
    #[error("chapter '{chapter}' has no demo named '{demo}'; run `concepts list` to see its demos")]
    UnknownDemo {
        /// The chapter that was found.
        chapter: String,
        /// The demo name that was not.
        demo: String,
    },
}

/// Finds the demos named by `chapter` or `chapter/demo`.
///
/// ```
/// let found = concepts::demo::find("metaclasses");
/// assert!(found.is_ok());
/// assert!(concepts::demo::find("nonsense").is_err());
/// ```
pub fn find(path: &str) -> Result<Vec<(Chapter, Demo)>, LookupError> {
    let (chapter_name, demo_name) = match path.split_once('/') {
        Some((c, d)) => (c, Some(d)),
        None => (path, None),
    };
    let chapter = chapters()
        .into_iter()
        .find(|c| c.name == chapter_name)
        .ok_or_else(|| LookupError::UnknownChapter(chapter_name.to_owned()))?;
    match demo_name {
        None => Ok(chapter.demos.iter().map(|d| (chapter, *d)).collect()),
        Some(name) => chapter
            .demos
            .iter()
            .find(|d| d.name == name)
            .map(|d| vec![(chapter, *d)])
            .ok_or_else(|| LookupError::UnknownDemo {
                chapter: chapter.name.to_owned(),
                demo: name.to_owned(),
            }),
    }
}
