//! The `concepts` binary: `list` and `run` for chapters 1-3.
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
    for chapter in ["metaclasses", "abcs", "dataclasses"] {
        let demos = concepts::demo::find(chapter).unwrap();
        assert!(!demos.is_empty());
        for (_, demo) in demos {
            assert!(
                text.contains(&format!("{chapter}/{}", demo.name)),
                "{chapter}/{} missing from:\n{text}",
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
