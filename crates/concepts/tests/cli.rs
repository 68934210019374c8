//! The `concepts` binary: `list`, `run` and `run --code`, over every chapter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;

fn concepts() -> Command {
    Command::cargo_bin("concepts").unwrap()
}

#[test]
fn list_shows_every_chapter_and_demo() {
    let out = concepts().arg("list").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for chapter in concepts::demo::chapters() {
        assert!(!chapter.demos.is_empty());
        for demo in chapter.demos {
            assert!(
                text.contains(&format!("{}/{}", chapter.name, demo.name)),
                "{}/{} missing from:\n{text}",
                chapter.name,
                demo.name
            );
        }
    }
    assert!(text.contains("metaclasses (Metaclasses)"));
}

#[test]
fn run_one_demo_prints_explanation_and_output() {
    concepts()
        .args(["run", "abcs/pipeline"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "=== abcs/pipeline — number/text/list processors chosen per item (seed: AbstractBaseClasses/data_processing_pipeline.py)",
        ))
        .stdout(predicate::str::contains(
            r#"Results: ["hello world",3.14,[1,1,3,4,5],null]"#,
        ));
}

#[test]
fn run_a_chapter_runs_all_its_demos() {
    let out = concepts().args(["run", "dataclasses"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(text.matches("=== dataclasses/").count(), 7);
    assert!(text.contains("\nhello-world\npython-tips\n"));
    concepts()
        .args(["run", "metaclasses"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "error: Method badHabit should be snake case.",
        ));
}

#[test]
fn unknown_names_fail_with_a_hint() {
    concepts()
        .args(["run", "nonsense"])
        .assert()
        .code(2)
        .stderr("error: no chapter named 'nonsense'; run `concepts list` to see the chapters\n");
    concepts()
        .args(["run", "abcs/nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "chapter 'abcs' has no demo named 'nope'",
        ));
}

/// `concepts list | head -3`: a reader that closes the pipe gets what it read and the
/// binary ends quietly with success, as `dataproc` does.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("concepts"))
        .arg("list")
        .stdout(writer)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn run_code_prints_the_demos_source_then_its_output() {
    let out = concepts()
        .args(["run", "--code", "abcs/pipeline"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let code_at = text.find("--- code (src/abcs/pipeline.rs)\n").unwrap();
    let fn_at = text.find("pub fn demo() -> Vec<String> {").unwrap();
    let output_at = text.find("--- output\nProcessing Error").unwrap();
    assert!(code_at < fn_at && fn_at < output_at, "{text}");
    assert!(!text.contains("ANCHOR"), "{text}");
}

/// Every demo of every chapter has its code region, so `--code` never comes up empty.
#[test]
fn every_demo_has_a_code_region() {
    for chapter in concepts::demo::chapters() {
        for demo in chapter.demos {
            let code =
                concepts::source::demo_source(chapter.name, demo.name).unwrap_or_else(|| {
                    panic!(
                        "src/{}/{}.rs: add `// ANCHOR: demo` and `// ANCHOR_END: demo` lines around its DEMO",
                        chapter.name, demo.name
                    )
                });
            assert!(
                code.contains("fn demo()") || code.contains("const DEMO: Demo"),
                "{}/{}: {code}",
                chapter.name,
                demo.name
            );
        }
    }
}
