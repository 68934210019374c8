//! The `concepts` command line: list the demos, or run one chapter or one demo.

use std::io::{self, Write};
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
        /// Also print each demo's source code, before its output.
        #[arg(long)]
        code: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = io::stdout().lock();
    let written = match cli.command {
        Command::List => list(&mut out),
        Command::Run { path, code } => match find(&path) {
            Ok(found) => found
                .iter()
                .try_for_each(|(chapter, demo)| print_demo(&mut out, chapter, demo, code)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match written.and_then(|()| out.flush()) {
        // `concepts list | head -3`: the reader has what it wanted; end quietly.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

fn list(out: &mut impl Write) -> io::Result<()> {
    for chapter in chapters() {
        writeln!(out, "{} ({})", chapter.name, chapter.title)?;
        for demo in chapter.demos {
            writeln!(out, "  {}/{:<22} {}", chapter.name, demo.name, demo.title)?;
        }
    }
    Ok(())
}

fn print_demo(out: &mut impl Write, chapter: &Chapter, demo: &Demo, code: bool) -> io::Result<()> {
    writeln!(
        out,
        "=== {}/{} — {} (seed: {})",
        chapter.name, demo.name, demo.title, demo.seed_file
    )?;
    writeln!(out, "{}", demo.explanation.trim())?;
    if code {
        let file = format!("src/{}/{}.rs", chapter.name, demo.name);
        match concepts::source::demo_source(chapter.name, demo.name) {
            Some(source) => writeln!(out, "--- code ({file})\n{source}")?,
            None => writeln!(out, "--- code: no `// ANCHOR: demo` region in {file}")?,
        }
        writeln!(out, "--- output")?;
    } else {
        writeln!(out, "---")?;
    }
    for line in (demo.run)() {
        writeln!(out, "{line}")?;
    }
    writeln!(out)
}
