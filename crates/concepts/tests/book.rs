//! The book (`book/` at the workspace root) stays true to the code: every demo's output file
//! equals what the demo prints now, every demo's output is shown on a page, and every
//! `{{#include}}` names a file (and an anchor) that exists — so the book never pastes code or
//! output that could drift. Regenerate the output files after changing a demo:
//! `BOOK_OUTPUT=overwrite cargo test -p concepts --test book`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// The chapters the book has pages for (chapter 7, `http`, joins when its pages are written).
const BOOK_CHAPTERS: [&str; 4] = ["metaclasses", "abcs", "dataclasses", "asyncio"];

fn book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book")
}

fn output_file(chapter: &str, demo: &str) -> PathBuf {
    book().join(format!("src/output/{chapter}/{demo}.txt"))
}

/// What `concepts run CHAPTER/DEMO` prints after its `---` line, on the virtual clock (the
/// async demos then print the seed's exact time stamps, the same on every run).
fn demo_output(chapter: &str, demo: &str) -> String {
    let output = assert_cmd::Command::cargo_bin("concepts")
        .unwrap()
        .args(["run", &format!("{chapter}/{demo}")])
        .env(concepts::asyncio::CLOCK_VAR, "virtual")
        .env_remove(concepts::asyncio::SPEEDUP_VAR)
        .output()
        .unwrap();
    assert!(output.status.success(), "{chapter}/{demo}: {output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (_, shown) = stdout.split_once("\n---\n").unwrap();
    format!("{}\n", shown.trim_end())
}

/// The streaming demo's readings are random (the seed's `random.randint`): compare them
/// without their values.
fn mask_random(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("value: ") {
        let (before, after) = rest.split_at(at + "value: ".len());
        masked.push_str(before);
        masked.push('N');
        rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    masked.push_str(rest);
    masked
}

/// The same event of several tasks at the same instant (e.g. two waiters released by one
/// `set`) has no fixed order on tokio — its `watch` channel wakes waiters from randomly
/// chosen shards — so such runs of lines are compared as sets: consecutive lines that differ
/// only in a task's name (`W1`, `T0`, `A`) are sorted.
fn same_instant_sorted(text: &str) -> String {
    let kind = |line: &str| -> String {
        line.split(' ')
            .map(|word| {
                let word = word.trim_end_matches([':', '.', ',']);
                let is_name = !word.is_empty()
                    && word.len() <= 3
                    && word.starts_with(|c: char| c.is_ascii_uppercase())
                    && word[1..].chars().all(|c| c.is_ascii_digit());
                if is_name { "#" } else { word }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut start = 0;
    while start < lines.len() {
        let key = kind(lines[start]);
        let end = (start..lines.len())
            .find(|&i| kind(lines[i]) != key)
            .unwrap_or(lines.len());
        let mut run = lines[start..end].to_vec();
        run.sort_unstable();
        out.extend(run);
        start = end;
    }
    out.join("\n")
}

/// What the comparison ignores: random values and the order of same-instant, same-kind lines.
fn comparable(text: &str) -> String {
    same_instant_sorted(&mask_random(text))
}

#[test]
fn every_demo_output_file_is_what_the_demo_prints() {
    let overwrite = std::env::var("BOOK_OUTPUT").is_ok_and(|v| v == "overwrite");
    for chapter in concepts::demo::chapters() {
        if !BOOK_CHAPTERS.contains(&chapter.name) {
            continue;
        }
        for demo in chapter.demos {
            let path = output_file(chapter.name, demo.name);
            let actual = demo_output(chapter.name, demo.name);
            if overwrite {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, &actual).unwrap();
                continue;
            }
            let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; run BOOK_OUTPUT=overwrite cargo test -p concepts --test book",
                    path.display()
                )
            });
            assert_eq!(
                comparable(&expected),
                comparable(&actual),
                "{} is stale; run BOOK_OUTPUT=overwrite cargo test -p concepts --test book",
                path.display()
            );
        }
    }
}

/// Every `{{#include PATH}}` / `{{#include PATH:ANCHOR}}` in the book's pages, with the page
/// it is on, the file it resolves to and the anchor.
fn includes() -> Vec<(PathBuf, PathBuf, Option<String>)> {
    let mut pages = Vec::new();
    let mut dirs = vec![book().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    let mut found = Vec::new();
    for page in pages {
        let text = fs::read_to_string(&page).unwrap();
        let pieces: Vec<&str> = text.split("{{#include ").collect();
        for (before, piece) in pieces.iter().zip(pieces.iter().skip(1)) {
            if before.ends_with('\\') {
                continue; // `\{{#include ...}}` is shown, not included
            }
            let target = piece.split("}}").next().unwrap().trim();
            let (file, anchor) = match target.split_once(':') {
                Some((file, anchor)) => (file, Some(anchor.to_owned())),
                None => (target, None),
            };
            let resolved = page.parent().unwrap().join(file);
            found.push((page.clone(), resolved, anchor));
        }
    }
    found
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let all = includes();
    assert!(all.len() > 50, "only {} includes found", all.len());
    for (page, file, anchor) in all {
        let text = fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {}: {e}", page.display(), file.display()));
        if let Some(anchor) = anchor {
            let region = concepts::source::anchor_region(&text, &anchor);
            assert!(
                region.is_some_and(|r| !r.trim().is_empty()),
                "{}: no non-empty anchor '{anchor}' in {}",
                page.display(),
                file.display()
            );
        }
    }
}

#[test]
fn every_demo_output_and_code_is_shown_on_a_page() {
    let shown: Vec<PathBuf> = includes()
        .into_iter()
        .map(|(_, file, _)| fs::canonicalize(file).unwrap())
        .collect();
    for chapter in concepts::demo::chapters() {
        if !BOOK_CHAPTERS.contains(&chapter.name) {
            continue;
        }
        for demo in chapter.demos {
            let output = fs::canonicalize(output_file(chapter.name, demo.name)).unwrap();
            assert!(
                shown.contains(&output),
                "no page includes {}",
                output.display()
            );
        }
    }
}
