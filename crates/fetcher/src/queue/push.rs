//! `fetcher queue push`: the input, a batch at a time, into the job's request stream.
//!
//! Each request becomes the entry with id `LINE-0` (its input line number), added by a
//! script that skips an id the stream already has (`XADD` refuses an id at or below the
//! stream's last, so an entry done and deleted is not added again either): pushing an
//! input twice, or again after a push was cut off, adds each line once. Lines are checked
//! as the batch CLI reads them and stored as given (a URL forced with
//! `--input-format urls` is stored as `{"url": ...}`), so workers read them unchanged;
//! the workers' `-X`, `-d`, `--retries` apply to lines that do not say. Memory holds one
//! batch.

use std::path::PathBuf;

use redis::Script;

use super::{Job, QueueError, connect, ensure_group};
use crate::cli::args::InputFormat;
use crate::cli::input::{LineReader, RequestTemplate, parse_line};
use crate::cli::{CliError, EXIT_OK, EXIT_USAGE, input_name, open_input};

/// Lines sent per script call.
const BATCH: usize = 1000;

/// Adds entries whose id is new: `KEYS[1]` the stream, `ARGV` pairs of line number and
/// input line; returns how many were added.
const ADD_NEW: &str = r"
local added = 0
for i = 1, #ARGV, 2 do
  local ok = redis.pcall('XADD', KEYS[1], ARGV[i] .. '-0', 'in', ARGV[i + 1])
  if type(ok) == 'table' and ok.err then
    if not string.find(ok.err, 'equal or smaller', 1, true) then
      return redis.error_reply(ok.err)
    end
  else
    added = added + 1
  end
end
return added
";

/// What `push` reads.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// Redis URL.
    pub redis: String,
    /// The job.
    pub job: Job,
    /// Input file; `None` for stdin.
    pub input: Option<PathBuf>,
    /// How lines are read.
    pub input_format: InputFormat,
    /// Stop at the first bad line.
    pub strict: bool,
}

/// Pushes the input; returns the exit code (2 when some lines were bad).
///
/// # Errors
/// When the input cannot be read or Redis fails.
pub async fn push(opts: PushOptions) -> Result<u8, CliError> {
    let mut con = connect(&opts.redis, std::time::Duration::from_secs(30)).await?;
    ensure_group(&mut con, &opts.job).await?;
    let input = open_input(opts.input.as_deref()).await?;
    let mut reader = LineReader::new(input);
    let script = Script::new(ADD_NEW);
    let template = RequestTemplate::default();
    let key = opts.job.requests();
    let mut batch: Vec<(u64, String)> = Vec::with_capacity(BATCH);
    let (mut read, mut added, mut bad) = (0u64, 0u64, 0u64);
    loop {
        let next = reader.next_line().await.map_err(|source| CliError::Input {
            path: input_name(opts.input.as_deref()),
            source,
        })?;
        let Some((number, text)) = next else { break };
        let checked = text.and_then(|t| {
            parse_line(t, opts.input_format, &template)
                .map(|req| req.map(|_| stored(t, opts.input_format)))
        });
        match checked {
            Ok(Some(line)) => {
                read += 1;
                batch.push((number, line));
            }
            Ok(None) => {}
            Err(why) => {
                eprintln!("fetcher: input line {number}: {why}");
                bad += 1;
                if opts.strict {
                    eprintln!("fetcher: stopping at the bad line (--strict)");
                    break;
                }
            }
        }
        if batch.len() >= BATCH {
            added += send(&script, &mut con, &key, &mut batch).await?;
        }
    }
    added += send(&script, &mut con, &key, &mut batch).await?;
    eprintln!(
        "fetcher: job {}: pushed {added} requests ({} already there{})",
        opts.job.name(),
        read - added,
        if bad > 0 {
            format!(", {bad} bad lines skipped")
        } else {
            String::new()
        }
    );
    Ok(if bad > 0 { EXIT_USAGE } else { EXIT_OK })
}

/// The text a worker will parse with [`InputFormat::Auto`] to get the same request.
fn stored(line: &str, format: InputFormat) -> String {
    let text = line.trim();
    if format == InputFormat::Urls && text.starts_with('{') {
        serde_json::json!({ "url": text }).to_string()
    } else {
        text.to_owned()
    }
}

async fn send(
    script: &Script,
    con: &mut redis::aio::ConnectionManager,
    key: &str,
    batch: &mut Vec<(u64, String)>,
) -> Result<u64, QueueError> {
    if batch.is_empty() {
        return Ok(0);
    }
    let mut call = script.key(key);
    for (line, text) in batch.iter() {
        call.arg(*line).arg(text);
    }
    let added: u64 = call
        .invoke_async(con)
        .await
        .map_err(QueueError::redis("push requests"))?;
    batch.clear();
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_lines_read_back_the_same() {
        let t = RequestTemplate::default();
        for (line, format) in [
            ("http://h/a\n", InputFormat::Auto),
            ("{weird}", InputFormat::Urls),
            (r#"{"url":"http://h/","method":"PUT"}"#, InputFormat::Jsonl),
        ] {
            let want = parse_line(line, format, &t).unwrap().unwrap();
            let got = parse_line(&stored(line, format), InputFormat::Auto, &t)
                .unwrap()
                .unwrap();
            assert_eq!((got.url, got.method), (want.url, want.method));
        }
    }
}
