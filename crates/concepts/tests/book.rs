//! The book (`book/` at the workspace root) stays true to the code: every demo's output file
//! equals what the demo prints now, every demo's output is shown on a page, and every
//! `{{#include}}` names a file (and an anchor) that exists — so the book never pastes code or
//! output that could drift. Regenerate the output files after changing a demo:
//! `BOOK_OUTPUT=overwrite cargo test -p concepts --test book`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// The chapters the book has pages for.
const BOOK_CHAPTERS: [&str; 5] = ["metaclasses", "abcs", "dataclasses", "asyncio", "http"];

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

/// Numbers that differ between runs, each named by the text before it, compared without
/// their values: the asyncio streaming demo's random readings (the seed's `random.randint`);
/// chapter 7's loopback ports (every server binds a free one) and measured durations; and
/// its shared client's connection counts, which are 1 (one after another) and 3 (gathered)
/// on most runs but may be one more or fewer on the multi-thread runtime: hyper hands an
/// HTTP/1 connection back to the pool from a spawned task, so a request sent the instant
/// the previous one ended may find the pool empty and open another (`tests/http.rs` asserts
/// the counts on a current-thread runtime).
const VARYING_NUMBERS: [&str; 6] = [
    "value: ",
    "127.0.0.1:",
    "total time: ",
    "streamed from disk, 5 at a time: 100 answered received_bytes=1048576 with the file's sha256, in ",
    "one request after another: 3 requests opened ",
    "3 requests at once opened ",
];

/// `text` with the number after each of [`VARYING_NUMBERS`] replaced by `N`.
fn mask_varying(text: &str) -> String {
    let mut text = text.to_owned();
    for marker in VARYING_NUMBERS {
        let mut masked = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(marker) {
            let (before, after) = rest.split_at(at + marker.len());
            masked.push_str(before);
            masked.push('N');
            rest = after.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        }
        masked.push_str(rest);
        text = masked;
    }
    text
}

/// Lines of concurrent tasks that finish in no fixed order (chapter 7's downloads, three
/// at once each way): consecutive lines starting with one of these are compared as a set.
const UNORDERED_RUNS: [&str; 2] = ["[Blocking] Downloaded ", "[Non-blocking] Downloaded "];

/// The same event of several tasks at the same instant (e.g. two waiters released by one
/// `set`) has no fixed order on tokio — its `watch` channel wakes waiters from randomly
/// chosen shards — so such runs of lines are compared as sets: consecutive lines that differ
/// only in a task's name (`W1`, `T0`, `A`) are sorted, as are runs of [`UNORDERED_RUNS`].
fn same_instant_sorted(text: &str) -> String {
    let kind = |line: &str| -> String {
        if let Some(prefix) = UNORDERED_RUNS.iter().find(|p| line.starts_with(**p)) {
            return (*prefix).to_owned();
        }
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

/// What the comparison ignores: numbers that vary between runs and the order of lines that
/// have none.
fn comparable(text: &str) -> String {
    same_instant_sorted(&mask_varying(text))
}

#[test]
fn every_demo_output_file_is_what_the_demo_prints() {
    let overwrite = std::env::var("BOOK_OUTPUT").is_ok_and(|v| v == "overwrite");
    let demos: Vec<(&str, &str)> = concepts::demo::chapters()
        .iter()
        .filter(|chapter| BOOK_CHAPTERS.contains(&chapter.name))
        .flat_map(|chapter| chapter.demos.iter().map(|demo| (chapter.name, demo.name)))
        .collect();
    // The demos mostly wait (chapter 7's back-off and time-outs take real seconds): run them
    // at once, one process each.
    let outputs: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = demos
            .iter()
            .map(|&(chapter, demo)| scope.spawn(move || demo_output(chapter, demo)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    for (&(chapter, demo), actual) in demos.iter().zip(outputs) {
        let path = output_file(chapter, demo);
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
