//! One fetch run: read, dispatch within the window, write, summarize, pick the exit code.
//!
//! The run is split into lanes, one per thread (`--threads`, see `super::shards`): each
//! lane is a tokio runtime of one thread with its own part of the fetcher
//! ([`Fetcher::split`]: connections and `-c` slots), its own window and, unless the output
//! is `--ordered`, its own writer task into the shared output. This thread reads the input
//! and queues the requests; each lane takes a few at a time, as many as it has room for.
//! So a request, its connection, its global slot and (unordered) its record stay on one
//! thread; only per-host slots, the rate and cookies are shared. On loopback, lanes that
//! shared a pool, slots or a writer woke each other's thread for most responses and made
//! fewer requests per second with two threads than with one. Within a lane, its requests
//! run in the lane's own task (no task each).

use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::Bytes;
use futures::FutureExt;
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::io::{AsyncBufRead, BufReader};
use tokio::runtime::Handle;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio_util::io::StreamReader;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::args::{BodyMode, RunOptions, Settings, Sink};
use super::execute::Executor;
use super::input::{LineReader, parse_line};
use super::output::{self, Message, RecordOptions};
use super::progress::Progress;
use super::resume::{ResumeIndex, key_hash};
use super::shards::Shards;
use super::signals::Shutdown;
use super::summary::Tally;
use super::{CliError, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};
use crate::{Fetcher, HttpRequest};

/// Requests a lane takes from the queue at once, at most (and no more than its window and
/// its slots have room for, so a lane held up by slow hosts holds back none): enough that
/// taking them wakes the reading thread rarely.
const BATCH: usize = 64;

/// Requests a lane takes beyond its free slots, at most: enough that the thread reading
/// the input is not woken for every request, few enough that little waits in a lane whose
/// slots are busy while another lane has free ones.
const AHEAD: usize = 8;

/// What every request of a lane shares.
struct TaskContext {
    executor: Executor,
    tx: UnboundedSender<Message>,
    abort: CancellationToken,
}

/// How reading the input ended.
#[derive(Default)]
struct Dispatched {
    skipped: u64,
    bad_input: u64,
    fatal: Option<CliError>,
}

/// A request read from the input, numbered in dispatch order.
struct Job {
    seq: u64,
    line: u64,
    req: HttpRequest,
}

/// The requests read, which the lanes take, first come first served.
type JobQueue = Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>;

/// The output, shared by the lanes' writers. Each writer buffers its records and hands
/// over the buffer whole (see [`Writer::start`]), so the lock is taken once per flush,
/// not once per record, and records from two threads never interleave. After a write
/// fails, none is tried again (by that writer or another): a failed write may have written
/// part of its buffer, and another write after it would leave a cut record in the middle of
/// the file, or the same records twice.
#[derive(Clone)]
struct SharedOutput(Arc<Mutex<OutputState>>);

/// The output and how writing it failed, if it did.
struct OutputState {
    out: Box<dyn Write + Send>,
    failed: Option<(io::ErrorKind, String)>,
}

impl SharedOutput {
    fn new(out: Box<dyn Write + Send>) -> Self {
        Self(Arc::new(Mutex::new(OutputState { out, failed: None })))
    }

    /// Runs `write` on the output unless a write failed before: then every writer gets
    /// that first error again (so a closed pipe reads as one whichever lane saw it).
    fn with(&self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        let mut output = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((kind, message)) = &output.failed {
            return Err(io::Error::new(*kind, message.clone()));
        }
        let written = write(&mut output.out);
        if let Err(e) = &written {
            output.failed = Some((e.kind(), e.to_string()));
        }
        written
    }
}

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.with(|out| {
            out.write_all(buf)?;
            out.flush()
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.with(|out| out.flush())
    }
}

/// Runs a fetch with resolved settings and returns the exit code: 0 all succeeded, 1 some
/// failed, 2 bad input lines, 130 interrupted.
///
/// # Errors
/// A [`CliError`] when the input, output or configuration is unusable, or the output
/// cannot be written.
pub async fn fetch(settings: Settings) -> Result<u8, CliError> {
    let Settings {
        fetcher: config,
        run: opts,
    } = settings;
    let started = Instant::now();
    let fetchers = Fetcher::new(config)?.split(opts.threads);
    let progress = Progress::new(opts.progress, opts.input.as_deref());
    let shutdown = Shutdown::listen(opts.grace, progress.clone())
        .map_err(|e| CliError::Start(format!("signal handlers: {e}")))?;
    let (resume, out, out_name) = open_output(&opts.sink)?;
    if let Some(index) = &resume
        && index.truncated_bytes() > 0
    {
        progress.println(&format!(
            "fetcher: {out_name} ended in a partial record ({} bytes); removed it, that request runs again",
            index.truncated_bytes()
        ));
    }
    if let BodyMode::SaveDir(dir) = &opts.body {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Output {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let input = open_input(opts.input.as_deref()).await?;
    let shards = Shards::start(fetchers.len() - 1)?;
    let mut runtimes = vec![Handle::current()];
    runtimes.extend(shards.handles().iter().cloned());

    // A signal stops the run; so does an output that cannot be written (a closed pipe):
    // then nothing more can be recorded, so requests in flight are abandoned at once.
    let halt = shutdown.stop.child_token();
    let abort = shutdown.abort.child_token();
    let out = SharedOutput::new(out);
    let writer = Writer {
        out: &out,
        ordered: opts.ordered,
        progress: &progress,
        halt: &halt,
        abort: &abort,
    };
    // --ordered: one writer, here, puts every lane's records in order; else one per lane.
    let mut writers = Vec::new();
    let ordered_tx = if opts.ordered {
        let (tx, handle) = writer.start(&runtimes[0])?;
        writers.push(handle);
        Some(tx)
    } else {
        None
    };
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>(2 * BATCH * fetchers.len());
    let jobs: JobQueue = Arc::new(tokio::sync::Mutex::new(jobs_rx));
    // One tracker a lane: the run waits for every lane's task (which drives its requests).
    let mut trackers = Vec::new();
    let continue_parts = matches!(opts.sink, Sink::File { resume: true, .. });
    // Each lane's share of the window, as of the slots.
    let lanes = fetchers.len();
    let window = opts.window.div_ceil(lanes);
    // Kept to save the cookie jar (shared by all lanes) once every request is done.
    let jar_owner = fetchers[0].clone();
    for (fetcher, runtime) in fetchers.into_iter().zip(&runtimes) {
        let tx = match &ordered_tx {
            Some(tx) => tx.clone(),
            None => {
                let (tx, handle) = writer.start(runtime)?;
                writers.push(handle);
                tx
            }
        };
        // Tokens of the lane's own: every check of a token takes its lock, and a request
        // checks a few times; shared by the lanes, that lock would pass between threads.
        let (halt, abort) = (halt.child_token(), abort.child_token());
        let context = Arc::new(TaskContext {
            executor: Executor {
                fetcher,
                body: opts.body.clone(),
                record: RecordOptions {
                    headers: opts.include_headers,
                    body: opts.body == BodyMode::Inline,
                },
                hash: opts.hash,
                continue_parts,
                stop: halt.clone(),
            },
            tx,
            abort: abort.clone(),
        });
        let tracker = TaskTracker::new();
        let lane = run_lane(
            context,
            Arc::clone(&jobs),
            Arc::new(Semaphore::new(window)),
            halt.clone(),
        );
        tracker.spawn_on(lane, runtime);
        trackers.push(tracker);
    }
    drop(ordered_tx);
    // The lanes hold the queue now: once they are all gone, queueing fails at once.
    drop(jobs);
    let dispatched = dispatch(
        input,
        &opts,
        resume.as_ref(),
        &out_name,
        jobs_tx,
        &halt,
        &progress,
    )
    .await;
    for tracker in &trackers {
        tracker.close();
        tracker.wait().await;
    }
    let mut tally = Tally::new().map_err(|e| CliError::Start(format!("histogram: {e}")))?;
    let (mut failure, mut lost) = (None, None);
    for handle in writers {
        match handle.await {
            Ok(Ok(part)) => tally.merge(&part),
            Ok(Err(e)) => {
                failure.get_or_insert(e);
            }
            Err(e) => {
                lost.get_or_insert(e);
            }
        }
    }
    if let Some(e) = lost {
        return Err(CliError::Start(format!("writer task: {e}")));
    }
    drop(shards);
    let cookies_saved = jar_owner.save_cookies();
    progress.finish();
    match failure {
        None => {}
        // `fetcher ... | head`: the reader has all it wants; end quietly, as ripgrep does.
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe && opts.sink == Sink::Stdout => {
            return Ok(EXIT_OK);
        }
        Some(source) => {
            return Err(CliError::Output {
                path: out_name.clone(),
                source,
            });
        }
    }
    tally.skipped = dispatched.skipped;
    tally.bad_input = dispatched.bad_input;

    let interrupted = shutdown.stop.is_cancelled();
    let wall = started.elapsed();
    if opts.summary {
        eprint!("{}", tally.to_text(wall, interrupted));
    }
    if let Some(path) = &opts.summary_json {
        let json = tally.to_json(wall, interrupted);
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        std::fs::write(path, text).map_err(|source| CliError::Output {
            path: path.display().to_string(),
            source,
        })?;
    }
    if let Err(source) = cookies_saved {
        let path = jar_owner
            .config()
            .cookies
            .jar_file
            .clone()
            .unwrap_or_default();
        return Err(CliError::Output {
            path: path.display().to_string(),
            source,
        });
    }
    if let Some(fatal) = dispatched.fatal {
        return Err(fatal);
    }
    Ok(if interrupted {
        EXIT_INTERRUPTED
    } else if tally.bad_input > 0 {
        EXIT_USAGE
    } else if tally.failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// What a writer task needs: where records go and what to stop when it cannot write.
struct Writer<'a> {
    out: &'a SharedOutput,
    ordered: bool,
    progress: &'a Progress,
    halt: &'a CancellationToken,
    abort: &'a CancellationToken,
}

impl Writer<'_> {
    /// Starts a writer task on `runtime`; returns the sender of its records and the task,
    /// which ends with its part of the tally once every sender is gone. A writer that
    /// cannot write stops the run.
    #[allow(clippy::type_complexity)]
    fn start(
        &self,
        runtime: &Handle,
    ) -> Result<(UnboundedSender<Message>, JoinHandle<io::Result<Tally>>), CliError> {
        let tally = Tally::new().map_err(|e| CliError::Start(format!("histogram: {e}")))?;
        let (tx, rx) = mpsc::unbounded_channel();
        // A record goes to the shared output only with whole records beside it: `BufWriter`
        // hands its inner writer whole buffers, and a record too big for one on its own.
        let mut out = BufWriter::with_capacity(1 << 16, self.out.clone());
        let (ordered, progress) = (self.ordered, self.progress.clone());
        let (halt, abort) = (self.halt.clone(), self.abort.clone());
        let handle = runtime.spawn(async move {
            let written = output::write_all(rx, &mut out, ordered, tally, &progress).await;
            if written.is_err() {
                halt.cancel();
                abort.cancel();
                // Dropped, the buffer would be written again: throw it away.
                drop(out.into_parts());
            }
            written
        });
        Ok((tx, handle))
    }
}

/// Reads the input and queues its requests for the lanes, in input order; returns at the
/// end of input, on `halt` (a stop signal or a closed output, whatever the input is doing),
/// on a bad line with `--strict`, or on a fatal error.
async fn dispatch(
    input: Box<dyn AsyncBufRead + Unpin + Send>,
    opts: &RunOptions,
    resume: Option<&ResumeIndex>,
    out_name: &str,
    jobs: mpsc::Sender<Job>,
    halt: &CancellationToken,
    progress: &Progress,
) -> Dispatched {
    let mut reader = LineReader::new(input);
    let mut seq = 0u64;
    let mut done = Dispatched::default();
    loop {
        // `run_until_cancelled`: polls the read first, so a line ready at once never
        // registers with the token (its lock, twice a line otherwise).
        let Some(next) = halt.run_until_cancelled(reader.next_line()).await else {
            break;
        };
        let (number, text) = match next {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(source) => {
                done.fatal = Some(CliError::Input {
                    path: input_name(opts.input.as_deref()),
                    source,
                });
                break;
            }
        };
        let req = match text.and_then(|t| parse_line(t, opts.input_format, &opts.template)) {
            Ok(Some(req)) => req,
            Ok(None) => {
                progress.pass_line();
                continue;
            }
            Err(why) => {
                progress.pass_line();
                progress.println(&format!("fetcher: input line {number}: {why}"));
                done.bad_input += 1;
                if opts.strict {
                    progress.println("fetcher: stopping at the bad line (--strict)");
                    break;
                }
                continue;
            }
        };
        if let Some(index) = resume {
            match index.lookup(number, key_hash(req.method.as_str(), &req.url)) {
                Some(true) => {
                    progress.pass_line();
                    done.skipped += 1;
                    continue;
                }
                Some(false) => {
                    done.fatal = Some(CliError::Usage(format!(
                        "--resume: input line {number} ({} {}) is not the request {out_name} \
                         recorded for that line; the input changed: resume with the same input, \
                         or write to a new output file",
                        req.method,
                        crate::redact::url(&req.url)
                    )));
                    break;
                }
                None => {}
            }
        }
        let job = Job {
            seq,
            line: number,
            req,
        };
        let Some(sent) = halt.run_until_cancelled(jobs.send(job)).await else {
            break;
        };
        if sent.is_err() {
            // No lane is left: they stop only on `halt`.
            break;
        }
        seq += 1;
    }
    done
}

/// One lane: takes requests from the queue and runs them, all in this one task (a
/// `FuturesUnordered`, cheaper than a task each: no spawn, and a response wakes one
/// task, which then polls every request that is ready), each once the lane's window has
/// room (records not yet written) and its fetcher has a slot for it, rather than let it
/// wait there: the window stays free for requests sleeping in back-off (they hold no
/// slot), so a host that says `Retry-After` holds up nobody else. It waits for a place and
/// a slot before it takes any request, and takes no more than are free, so a lane whose
/// window is full (of requests in back-off, or of slow ones) leaves the queue to the
/// others. On a stop, requests not started are left (not written; a `--resume` does
/// them), and the ones running are driven to their end.
async fn run_lane(
    context: Arc<TaskContext>,
    jobs: JobQueue,
    window: Arc<Semaphore>,
    halt: CancellationToken,
) {
    let mut running = FuturesUnordered::new();
    let mut next = std::pin::pin!(next_batch(&context, &jobs, &window, &halt));
    loop {
        tokio::select! {
            biased;
            batch = &mut next => {
                let Some(batch) = batch else { break };
                for (job, permit) in batch {
                    let (seq, tx) = (job.seq, context.tx.clone());
                    let request = run_request(Arc::clone(&context), job, permit);
                    // A panic ends its request, not the lane: it is written as cancelled
                    // (no record; a `--resume` does it again), so `--ordered` output does
                    // not wait for it, and the others run on.
                    let request = std::panic::AssertUnwindSafe(request)
                        .catch_unwind()
                        .map(move |ended| {
                            if ended.is_err() {
                                let _ = tx.send(Message::Cancelled { seq });
                            }
                        });
                    running.push(request);
                }
                next.set(next_batch(&context, &jobs, &window, &halt));
            }
            Some(_) = running.next(), if !running.is_empty() => {}
        }
    }
    while running.next().await.is_some() {}
}

/// The next requests for a lane, each with its place in the window, taken from the
/// queue once there are a place and a slot for the first (see [`run_lane`]); `None` once
/// `halt` is cancelled or the queue is closed and empty.
async fn next_batch(
    context: &TaskContext,
    jobs: &JobQueue,
    window: &Arc<Semaphore>,
    halt: &CancellationToken,
) -> Option<Vec<(Job, OwnedSemaphorePermit)>> {
    let fetcher = &context.executor.fetcher;
    let place = acquire(window, halt).await?;
    halt.run_until_cancelled(fetcher.slot_ready()).await?;
    let room = (window.available_permits() + 1)
        .min(fetcher.free_slots() + AHEAD)
        .clamp(1, BATCH);
    let mut taken = Vec::with_capacity(room);
    let take = async { jobs.lock().await.recv_many(&mut taken, room).await };
    if halt.run_until_cancelled(take).await.unwrap_or(0) == 0 {
        return None;
    }
    // No request of the batch starts before the last is admitted; none waits long for it:
    // `room` is at most the window's free places, which only this lane takes, and a free
    // slot stays free until a request starts (the lane's own requests in back-off aside).
    let mut batch = Vec::with_capacity(taken.len());
    let mut place = Some(place);
    for job in taken {
        let permit = match place.take() {
            Some(permit) => permit,
            None => acquire(window, halt).await?,
        };
        // Free when counted, unless a request of this lane woke from back-off and took it.
        halt.run_until_cancelled(fetcher.slot_ready()).await?;
        batch.push((job, permit));
    }
    Some(batch)
}

/// A permit of `semaphore`, or `None` once `stop` is cancelled.
async fn acquire(
    semaphore: &Arc<Semaphore>,
    stop: &CancellationToken,
) -> Option<OwnedSemaphorePermit> {
    stop.run_until_cancelled(Arc::clone(semaphore).acquire_owned())
        .await
        .and_then(Result::ok)
}

/// Makes one request and sends its record to the writer (or, if stopped before an attempt
/// or cut off by an interrupt, a cancellation, so `--ordered` output does not wait for it).
async fn run_request(context: Arc<TaskContext>, job: Job, permit: OwnedSemaphorePermit) {
    let Job { seq, line, req } = job;
    // The request's state (sink, attempts, the HTTP stack's future: 4.7 KB) lives on the
    // heap, so this future stays small: it is moved into the lane's set of requests, and
    // the bigger one cost ~2k instructions a request in memcpy (callgrind).
    let execute = Box::pin(context.executor.execute(line, &req));
    let executed = tokio::select! {
        biased;
        executed = execute => executed,
        () = context.abort.cancelled() => {
            let _ = context.tx.send(Message::Cancelled { seq });
            return;
        }
    };
    if executed.cancelled {
        let _ = context.tx.send(Message::Cancelled { seq });
        return;
    }
    let _ = context.tx.send(Message::Done {
        seq,
        record: executed.record,
        outcome: executed.outcome,
        permit,
    });
}

pub(crate) fn input_name(path: Option<&Path>) -> String {
    path.map_or_else(|| "stdin".to_owned(), |p| p.display().to_string())
}

pub(crate) async fn open_input(
    path: Option<&Path>,
) -> Result<Box<dyn AsyncBufRead + Unpin + Send>, CliError> {
    Ok(match path {
        None => {
            if std::io::stdin().is_terminal() {
                eprintln!("fetcher: reading URLs from the terminal; end with Ctrl-D (see --help)");
            }
            Box::new(stdin_reader()?)
        }
        Some(path) => {
            let file = tokio::fs::File::open(path)
                .await
                .map_err(|source| CliError::Input {
                    path: path.display().to_string(),
                    source,
                })?;
            Box::new(BufReader::with_capacity(1 << 16, file))
        }
    })
}

/// Standard input, read on a thread of its own: tokio's stdin reads on its blocking pool,
/// and a read that never returns (a pipe whose writer is silent) would hold the runtime's
/// shutdown, and with it the exit after Ctrl-C. This thread is simply left behind.
fn stdin_reader() -> Result<impl AsyncBufRead + Unpin + Send, CliError> {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(4);
    std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            let mut stdin = io::stdin().lock();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let item = match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => Ok(Bytes::copy_from_slice(&buf[..n])),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let failed = item.is_err();
                if tx.blocking_send(item).is_err() || failed {
                    break;
                }
            }
        })
        .map_err(|e| CliError::Start(format!("stdin reader thread: {e}")))?;
    let chunks = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(StreamReader::new(Box::pin(chunks)))
}

pub(crate) type Output = (Option<ResumeIndex>, Box<dyn Write + Send>, String);

/// Opens the output: stdout, a new file, an overwritten one (`--force`), or an existing one
/// to append to after reading what it holds (`--resume`).
pub(crate) fn open_output(sink: &Sink) -> Result<Output, CliError> {
    let (path, resume, force) = match sink {
        Sink::Stdout => {
            return Ok((
                None,
                Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
                "stdout".to_owned(),
            ));
        }
        Sink::File {
            path,
            resume,
            force,
        } => (path, *resume, *force),
    };
    let name = path.display().to_string();
    let error = |source| CliError::Output {
        path: name.clone(),
        source,
    };
    let index = if resume {
        Some(ResumeIndex::load(path)?)
    } else {
        if !force && std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return Err(CliError::Usage(format!(
                "{name} exists; pass --resume to continue it, or --force to overwrite it"
            )));
        }
        None
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(resume)
        .write(true)
        .truncate(!resume)
        .open(path)
        .map_err(error)?;
    Ok((
        index,
        Box::new(BufWriter::with_capacity(1 << 16, file)),
        name,
    ))
}
