//! The `concepts` command line: list the demos, or run one chapter or one demo.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use concepts::demo::{Chapter, Demo, chapters, find};

/// The seed's teaching chapters, as runnable Rust.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the chapters and their demos.
    List,
    /// Run a chapter (`asyncio`) or one demo (`asyncio/primitives`), with its explanation.
    Run {
        /// `CHAPTER` or `CHAPTER/DEMO`, as `concepts list` shows them.
        path: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::List => {
            for chapter in chapters() {
                println!("{} ({})", chapter.name, chapter.title);
                for demo in chapter.demos {
                    println!("  {}/{:<22} {}", chapter.name, demo.name, demo.title);
                }
            }
            ExitCode::SUCCESS
        }
        Command::Run { path } => match find(&path) {
            Ok(found) => {
                for (chapter, demo) in found {
                    print_demo(&chapter, &demo);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn print_demo(chapter: &Chapter, demo: &Demo) {
    println!(
        "=== {}/{} — {} (seed: {})",
        chapter.name, demo.name, demo.title, demo.seed_file
    );
    println!("{}", demo.explanation.trim());
    println!("---");
    for line in (demo.run)() {
        println!("{line}");
    }
    println!();
}
