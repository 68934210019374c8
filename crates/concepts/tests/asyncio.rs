//! Chapter 5 (asyncio → tokio): every demo's core on paused tokio time, with the seed's
//! timings asserted exactly; plus the places where tokio differs from asyncio.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use concepts::asyncio::{
    SEED_SECOND, Stamped, Timeline, basics, cancellation, coordination, demo_unit, event_loop,
    pitfalls, primitives, streaming, task_groups,
};
use futures::{Stream, StreamExt};
use tokio::time::{Instant, sleep, timeout};

const U: Duration = SEED_SECOND;

/// `x` seed seconds.
fn s(x: f64) -> Duration {
    Duration::from_secs_f64(x)
}

/// The events as (time, event) pairs, for comparing with a literal list.
fn timed<E: Clone>(events: &[Stamped<E>]) -> Vec<(Duration, E)> {
    events.iter().map(|e| (e.at, e.event.clone())).collect()
}

/// The time of the first event matching `pred`.
fn first_at<E>(events: &[Stamped<E>], pred: impl Fn(&E) -> bool) -> Duration {
    events
        .iter()
        .find(|e| pred(&e.event))
        .map(|e| e.at)
        .expect("no such event")
}

// ------------------------------------------------------------------------- basics

#[tokio::test(start_paused = true)]
async fn basics_runs_the_coroutine_directly_then_as_a_task_then_awaits_a_timer_set_future() {
    use basics::Step::*;
    let report = basics::run(U).await.unwrap();
    assert_eq!(
        timed(&report.events),
        vec![
            (s(0.0), CoroutineStarted),
            (s(1.0), CoroutineEnded),
            (s(1.0), TaskCreated),
            (s(1.0), CoroutineStarted),
            (s(2.0), CoroutineEnded),
            (s(2.0), TaskEnded),
            (s(2.0), WaitingForFuture),
            (s(3.0), FutureResolved(basics::FUTURE_VALUE.to_owned())),
        ]
    );
    assert_eq!(report.future_value, "Future Result Set");
}

#[tokio::test(start_paused = true)]
async fn an_async_fn_does_nothing_until_awaited() {
    let log = Timeline::new();
    let coroutine = basics::coroutine_example(log.clone(), U);
    sleep(s(5.0)).await;
    assert!(log.entries().is_empty(), "ran before being awaited");
    coroutine.await;
    let times: Vec<_> = log.entries().iter().map(|e| e.at).collect();
    assert_eq!(times, [s(5.0), s(6.0)]);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_join_handle_detaches_the_task_instead_of_cancelling_it() {
    let log = Timeline::new();
    drop(tokio::spawn(basics::coroutine_example(log.clone(), U)));
    sleep(s(2.0)).await;
    assert_eq!(
        log.events(),
        [basics::Step::CoroutineStarted, basics::Step::CoroutineEnded]
    );
}

// ------------------------------------------------------------------------- event loop

#[tokio::test(start_paused = true)]
async fn event_loop_three_ways_take_one_second_each_and_joined_tasks_overlap() {
    use event_loop::{Step::*, Way};
    let report = event_loop::run(U).await.unwrap();
    let result = event_loop::COROUTINE_RESULT.to_owned();
    assert_eq!(report.direct, result);
    assert_eq!(report.spawned, result);
    assert_eq!(report.joined, vec![result.clone(); 3]);

    let events = &report.events;
    assert_eq!(first_at(events, |e| *e == Running(Way::Spawned)), s(1.0));
    assert_eq!(first_at(events, |e| *e == Running(Way::Joined)), s(2.0));
    // Three one-second tasks joined: all start at 2 s and all finish at 3 s.
    let starts: Vec<_> = events
        .iter()
        .filter(|e| e.event == CoroutineStarted)
        .map(|e| e.at)
        .collect();
    assert_eq!(starts, [s(0.0), s(1.0), s(2.0), s(2.0), s(2.0)]);
    let last = events.last().unwrap();
    assert_eq!(last.at, s(3.0));
    assert_eq!(last.event, Results(Way::Joined, vec![result; 3]));
}

/// Real threads, no sleeps measured: two tasks that block until the other has started meet
/// on a 2-worker runtime. asyncio's single thread (like a current-thread runtime) cannot.
#[test]
fn tasks_run_in_parallel_on_a_multi_thread_runtime_but_not_on_a_current_thread_one() {
    assert!(event_loop::tasks_overlap(Some(2), Duration::from_secs(10)).unwrap());
    assert!(!event_loop::tasks_overlap(None, Duration::from_millis(50)).unwrap());
}

// ------------------------------------------------------------------------- primitives

fn got(events: &[Stamped<primitives::Step>]) -> Vec<(Duration, String, String)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            primitives::Step::Got { consumer, item } => {
                Some((e.at, consumer.clone(), item.clone()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn queue_consumers_share_the_items_and_time_out_after_an_idle_second() {
    use primitives::Step::*;
    let report = primitives::queue(U, primitives::QueueEnding::IdleTimeout)
        .await
        .unwrap();
    let items: Vec<String> = (0..5).map(|i| format!("item-{i}")).collect();
    assert_eq!(report.received, items);
    let got = got(&report.events);
    let who: Vec<(Duration, &str, &str)> = got
        .iter()
        .map(|(at, c, i)| (*at, c.as_str(), i.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            (s(0.0), "C1", "item-0"),
            (s(0.1), "C2", "item-1"),
            (s(0.2), "C1", "item-2"),
            (s(0.3), "C2", "item-3"),
            (s(0.4), "C1", "item-4"),
        ]
    );
    let ends: Vec<_> = report
        .events
        .iter()
        .filter(|e| matches!(e.event, TimedOut { .. } | Closed { .. }))
        .map(|e| (e.at, e.event.clone()))
        .collect();
    // C2 is idle from 0.5 s, C1 from 0.6 s: each gives up one second later.
    assert_eq!(
        ends,
        [
            (
                s(1.5),
                TimedOut {
                    consumer: "C2".into()
                }
            ),
            (
                s(1.6),
                TimedOut {
                    consumer: "C1".into()
                }
            ),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn queue_consumers_stop_at_once_when_the_last_sender_is_dropped() {
    use primitives::Step::*;
    let report = primitives::queue(U, primitives::QueueEnding::SendersDropped)
        .await
        .unwrap();
    assert_eq!(report.received.len(), primitives::ITEMS);
    let ends: Vec<_> = report
        .events
        .iter()
        .filter(|e| matches!(e.event, TimedOut { .. } | Closed { .. }))
        .map(|e| (e.at, e.event.clone()))
        .collect();
    // The producer is done at 0.5 s; each consumer notices when it next asks.
    assert_eq!(
        ends,
        [
            (
                s(0.5),
                Closed {
                    consumer: "C2".into()
                }
            ),
            (
                s(0.6),
                Closed {
                    consumer: "C1".into()
                }
            ),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_lock_serialises_four_times_five_increments_to_twenty() {
    let report = primitives::lock(U).await.unwrap();
    assert_eq!(report.total, 20);
    let values: Vec<u32> = report
        .events
        .iter()
        .filter_map(|e| match e.event {
            primitives::Step::Incremented { value, .. } => Some(value),
            _ => None,
        })
        .collect();
    assert_eq!(values, (1..=20).collect::<Vec<_>>());
    // Serialised 0.1 s critical sections: 20 of them end at 2 s.
    assert_eq!(report.events.last().unwrap().at, s(2.0));
}

#[tokio::test(start_paused = true)]
async fn without_the_lock_the_read_sleep_write_increments_are_lost() {
    assert_eq!(primitives::lost_updates(U).await.unwrap(), 5);
}

/// Not only an atomic shows lost updates: a Mutex that is locked for the read and again for
/// the write (the lock not held across the sleep) loses the same 15 of 20.
#[tokio::test(start_paused = true)]
async fn a_mutex_released_between_read_and_write_loses_the_same_updates() {
    use std::sync::Arc;
    let counter = Arc::new(tokio::sync::Mutex::new(0u32));
    let workers = (0..primitives::LOCK_WORKERS).map(|_| {
        let counter = Arc::clone(&counter);
        tokio::spawn(async move {
            for _ in 0..primitives::INCREMENTS {
                let current = *counter.lock().await;
                sleep(U / 10).await;
                *counter.lock().await = current + 1;
            }
        })
    });
    futures::future::try_join_all(workers).await.unwrap();
    assert_eq!(*counter.lock().await, 5);
}

#[tokio::test(start_paused = true)]
async fn one_set_releases_every_waiter_and_a_late_waiter_passes_at_once() {
    use primitives::Step::*;
    let report = primitives::event(U).await.unwrap();
    let released: Vec<_> = report
        .events
        .iter()
        .filter(|e| matches!(e.event, Released { .. }))
        .map(|e| e.at)
        .collect();
    assert_eq!(released, [s(1.0), s(1.0), s(1.0)]);
    assert_eq!(
        first_at(&report.events, |e| matches!(e, Set { .. })),
        s(1.0)
    );
    assert_eq!(report.late_wait, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn event_set_twice_is_still_set_once_and_clear_makes_waiters_wait_again() {
    let event = primitives::Event::new();
    assert!(!event.is_set());
    assert!(
        timeout(U, event.wait()).await.is_err(),
        "unset event let a waiter through"
    );
    event.set();
    event.set();
    assert!(event.is_set());
    assert!(timeout(U, event.wait()).await.is_ok());
    event.clear();
    assert!(
        timeout(U, event.wait()).await.is_err(),
        "cleared event let a waiter through"
    );
}

#[tokio::test(start_paused = true)]
async fn the_semaphore_lets_at_most_five_of_ten_workers_in_at_once() {
    use primitives::Step::*;
    let report = primitives::semaphore(U).await.unwrap();
    assert_eq!(report.peak, primitives::PERMITS);
    let acquired: Vec<_> = report
        .events
        .iter()
        .filter_map(|e| match e.event {
            Acquired { inside, .. } => Some((e.at, inside)),
            _ => None,
        })
        .collect();
    assert_eq!(acquired.len(), 10);
    assert!(acquired.iter().all(|&(_, inside)| inside <= 5));
    let waves: Vec<_> = acquired.iter().map(|&(at, _)| at).collect();
    assert_eq!(waves, [[s(0.0); 5], [s(1.0); 5]].concat());
    assert_eq!(report.events.last().unwrap().at, s(2.0));
}

// ------------------------------------------------------------------------- coordination

fn completed(events: &[Stamped<coordination::Step>]) -> Vec<(Duration, String)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            coordination::Step::Completed(r) => Some((e.at, r.clone())),
            _ => None,
        })
        .collect()
}

fn result(name: &str, delay: u32) -> String {
    format!("Task {name} completed after {delay}")
}

#[tokio::test(start_paused = true)]
async fn as_completed_yields_results_in_completion_order() {
    let events = coordination::as_completed(U).await.unwrap();
    assert_eq!(
        completed(&events),
        [
            (s(1.0), result("T1", 1)),
            (s(2.0), result("T2", 2)),
            (s(3.0), result("T0", 3)),
            (s(5.0), result("T3", 5)),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn gather_returns_results_in_submission_order_after_the_slowest() {
    let events = coordination::gather(U).await.unwrap();
    assert_eq!(
        completed(&events),
        [
            (s(5.0), result("T0", 3)),
            (s(5.0), result("T1", 1)),
            (s(5.0), result("T2", 2)),
            (s(5.0), result("T3", 5)),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn wait_first_completed_has_one_done_three_pending_then_wait_for_times_out() {
    use coordination::Step::*;
    let events = coordination::wait_first(U).await.unwrap();
    assert_eq!(
        timed(&events),
        [
            (
                s(1.0),
                FirstCompleted {
                    done: 1,
                    pending: 3
                }
            ),
            (s(1.0), Completed(result("T1", 1))),
            (s(3.0), TimedOut),
        ]
    );
}

/// The seed (Python 3.11) prints "Important task started", then "Shielded task was
/// cancelled" after 1 s, and its program ends: the task never completes.
#[tokio::test(start_paused = true)]
async fn the_seeds_shield_run_cancels_the_wait_and_the_task_never_completes() {
    use coordination::Step::*;
    let events = coordination::shield_as_seed(U).await;
    assert_eq!(
        timed(&events),
        [(s(0.0), ImportantStarted), (s(1.0), ShieldCancelled)]
    );
    assert_eq!(
        events[1].to_string(),
        "[ 1.00s] Shielded task was cancelled"
    );
}

/// `wait_for` awaits the inner task's clean-up; a `timeout` drops its future at the
/// deadline, running only `Drop` — it returns at the deadline, not after any clean-up.
#[tokio::test(start_paused = true)]
async fn a_timeout_drops_its_future_at_the_deadline_running_only_drop() {
    let log = Timeline::new();
    let start = Instant::now();
    let work = {
        let log = log.clone();
        async move {
            let _guard = cancellation::CleanupGuard::new(log, "dropped");
            sleep(3 * U).await;
        }
    };
    assert!(timeout(U, work).await.is_err());
    assert_eq!(start.elapsed(), U);
    assert_eq!(timed(&log.entries()), [(s(1.0), "dropped")]);
}

#[tokio::test(start_paused = true)]
async fn a_spawned_task_completes_although_the_outer_wait_is_cancelled() {
    use coordination::Step::*;
    let report = coordination::shield(U).await.unwrap();
    assert_eq!(
        timed(&report.events),
        [
            (s(0.0), ImportantStarted),
            (s(1.0), OuterCancelled),
            (s(3.0), ImportantCompleted),
        ]
    );
    assert_eq!(report.result, "Important Result");
}

#[tokio::test(start_paused = true)]
async fn a_future_that_is_not_spawned_is_cancelled_with_its_wait() {
    use coordination::Step::*;
    let start = Instant::now();
    let events = coordination::unshielded(U).await;
    assert_eq!(
        timed(&events),
        [(s(0.0), ImportantStarted), (s(1.0), OuterCancelled)]
    );
    assert_eq!(
        start.elapsed(),
        s(3.0),
        "it was given its full three seconds"
    );
}

// ------------------------------------------------------------------------- cancellation

#[tokio::test(start_paused = true)]
async fn an_aborted_task_runs_its_clean_up_before_the_waiter_sees_the_cancellation() {
    use cancellation::Step::*;
    let report = cancellation::cancel_mid_sleep(U).await.unwrap();
    assert_eq!(report.outcome, cancellation::Outcome::Cancelled);
    assert_eq!(
        timed(&report.events),
        [
            (s(0.0), Started("A".into())),
            (s(1.0), CancelledCleanedUp("A".into())),
            (s(1.0), CaughtCancellation("A".into())),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn cancellation_is_by_drop_a_future_losing_a_select_cleans_up_too() {
    use cancellation::Step::*;
    let log = Timeline::new();
    tokio::select! {
        _ = cancellation::cancellable_task("B".into(), log.clone(), U) => panic!("finished"),
        () = sleep(U) => {}
    }
    assert_eq!(
        timed(&log.entries()),
        [
            (s(0.0), Started("B".into())),
            (s(1.0), CancelledCleanedUp("B".into()))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn graceful_shutdown_stops_cooperative_workers_then_aborts_the_straggler() {
    use cancellation::Step::*;
    let report = cancellation::graceful_shutdown(U).await.unwrap();
    let mut stopped = report.stopped.clone();
    stopped.sort();
    assert_eq!(stopped, ["W0", "W1", "W2"]);
    assert_eq!(report.aborted, ["W3"]);

    let events = &report.events;
    let at = |wanted: &cancellation::Step| first_at(events, |e| e == wanted);
    for name in ["W0", "W1", "W2"] {
        assert_eq!(
            at(&Stopped(name.into())),
            s(2.0),
            "{name} stops on the signal"
        );
        assert!(
            !events
                .iter()
                .any(|e| e.event == CancelledCleanedUp(name.into()))
        );
    }
    assert_eq!(at(&ShutdownSignalled), s(2.0));
    assert_eq!(at(&GraceOver(vec!["W3".into()])), s(3.1));
    assert_eq!(at(&CancelledCleanedUp("W3".into())), s(3.1));
    assert!(!events.iter().any(|e| e.event == Stopped("W3".into())));
    // The order of the shutdown: signal, grace over, straggler cleaned up, all down.
    let position = |wanted: &cancellation::Step| events.iter().position(|e| &e.event == wanted);
    let order = [
        position(&ShutdownSignalled),
        position(&GraceOver(vec!["W3".into()])),
        position(&CancelledCleanedUp("W3".into())),
        position(&AllDown {
            stopped: 3,
            aborted: 1,
        }),
    ];
    assert!(order.iter().all(Option::is_some), "{order:?}");
    assert!(order.is_sorted(), "{order:?}");
    let signalled = position(&ShutdownSignalled);
    for name in ["W0", "W1", "W2"] {
        assert!(
            position(&Stopped(name.into())) > signalled,
            "{name} stopped unasked"
        );
    }
    assert_eq!(events.last().map(|e| e.at), Some(s(3.1)));
}

// ------------------------------------------------------------------------- streaming

#[tokio::test(start_paused = true)]
async fn async_range_yields_one_to_four_one_second_apart() {
    let events = streaming::async_iterator(U).await;
    assert_eq!(
        timed(&events),
        (1..5)
            .map(|v| (s(f64::from(v)), streaming::Step::Value(v)))
            .collect::<Vec<_>>()
    );
}

#[tokio::test(start_paused = true)]
async fn a_stream_is_lazy_it_starts_its_delay_only_when_polled() {
    let start = Instant::now();
    let mut range = streaming::AsyncRange::new(1, 5, U);
    assert_eq!(range.size_hint(), (4, Some(4)));
    sleep(s(10.0)).await;
    assert_eq!(range.next().await, Some(1));
    assert_eq!(start.elapsed(), s(11.0));
}

#[tokio::test(start_paused = true)]
async fn the_generator_is_consumed_four_ways_two_readings_each() {
    use streaming::Style;
    let events = streaming::async_generator(U).await.unwrap();
    let seen: Vec<(Duration, Style, Vec<u32>)> = events
        .iter()
        .map(|e| match &e.event {
            streaming::Step::Fetched(style, readings) => {
                assert!(readings.iter().all(|r| (1..=100).contains(&r.value)));
                (e.at, *style, readings.iter().map(|r| r.id).collect())
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        seen,
        [
            (s(0.2), Style::Loop, vec![0]),
            (s(0.4), Style::Loop, vec![1]),
            (s(0.6), Style::Next, vec![0]),
            (s(0.8), Style::Next, vec![1]),
            (s(1.0), Style::Send, vec![0]),
            (s(1.2), Style::Send, vec![1]),
            (s(1.6), Style::Collect, vec![0, 1]),
        ]
    );
    // Each reading's own stamp counts from its stream's first poll.
    let streaming::Step::Fetched(_, collected) = &events.last().unwrap().event else {
        unreachable!()
    };
    let stamps: Vec<_> = collected.iter().map(|r| r.at).collect();
    assert_eq!(stamps, [s(0.2), s(0.4)]);
}

#[tokio::test(start_paused = true)]
async fn the_send_style_generator_answers_what_is_sent_in() {
    let (requests, inbox) = tokio::sync::mpsc::channel(1);
    let readings = streaming::fetch_on_request(inbox, U);
    let mut readings = std::pin::pin!(readings);
    for id in [7, 3] {
        requests.send(id).await.unwrap();
        assert_eq!(readings.next().await.map(|r| r.id), Some(id));
    }
    drop(requests);
    assert_eq!(readings.next().await, None);
}

// ------------------------------------------------------------------------- task groups

#[tokio::test(start_paused = true)]
async fn a_task_group_whose_workers_all_succeed_returns_results_in_submission_order() {
    let log = Timeline::new();
    let results = task_groups::task_group(&task_groups::all_succeed_jobs(), &log, U).await;
    assert_eq!(
        results.unwrap(),
        ["Result from A", "Result from B", "Result from C"]
    );
    assert_eq!(log.entries().last().unwrap().at, s(1.0));
}

/// Python 3.11 on the seed prints "Worker F finished" before the exception group: F is due
/// in the same tick as the failures and runs before the group cancels anything. On a
/// current-thread runtime tokio shows the same order.
#[tokio::test(start_paused = true)]
async fn with_the_seeds_timings_the_sibling_due_in_the_same_tick_finishes() {
    use task_groups::{Step::*, WorkerFailed};
    let start = Instant::now();
    let log = Timeline::new();
    let outcome = task_groups::task_group(&task_groups::failing_jobs(), &log, U).await;
    let group = outcome.unwrap_err();
    assert_eq!(
        group.errors,
        [WorkerFailed("D".into()), WorkerFailed("E".into())]
    );
    assert!(group.cancelled.is_empty(), "{group:?}");
    assert_eq!(start.elapsed(), s(1.0));
    assert_eq!(
        timed(&log.entries()),
        [
            (s(0.0), Starting("D".into())),
            (s(0.0), Starting("E".into())),
            (s(0.0), Starting("F".into())),
            (s(1.0), Failed("D".into())),
            (s(1.0), Failed("E".into())),
            (s(1.0), Finished("F".into())),
            (s(1.0), AbortingSiblings),
        ]
    );
    let message = group.to_string();
    assert!(message.contains("Worker D failed") && message.contains("Worker E failed"));
}

#[tokio::test(start_paused = true)]
async fn a_failure_cancels_a_sibling_still_at_work_and_every_error_is_collected() {
    use task_groups::{Step::*, WorkerFailed};
    let start = Instant::now();
    let log = Timeline::new();
    let outcome = task_groups::task_group(&task_groups::slow_sibling_jobs(), &log, U).await;
    let group = outcome.unwrap_err();
    let mut errors = group.errors.clone();
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(errors, [WorkerFailed("D".into()), WorkerFailed("E".into())]);
    assert_eq!(group.cancelled, ["G"]);
    assert_eq!(start.elapsed(), s(1.0), "did not wait for G's two seconds");
    let events = log.entries();
    assert_eq!(first_at(&events, |e| *e == AbortingSiblings), s(1.0));
    assert_eq!(first_at(&events, |e| *e == Cancelled("G".into())), s(1.0));
    assert!(!events.iter().any(|e| e.event == Finished("G".into())));
}

/// Dropping a JoinSet requests aborts and returns before the tasks are gone; a Python
/// TaskGroup waits for its children. `shutdown().await` is the waiting form.
#[tokio::test(start_paused = true)]
async fn dropping_a_join_set_does_not_wait_for_its_tasks_but_shutdown_does() {
    use task_groups::{Leave, Step::*};
    let started = [(s(0.0), Starting("G".into()))];
    assert_eq!(
        timed(&task_groups::leave_early(Leave::Drop, U).await),
        started,
        "the clean-up has not run when drop returns"
    );
    assert_eq!(
        timed(&task_groups::leave_early(Leave::Shutdown, U).await),
        [started[0].clone(), (s(1.0), Cancelled("G".into()))]
    );
}

/// A TaskTracker waits for its tasks to finish (it never aborts them): the other half of
/// what a TaskGroup's scope does.
#[tokio::test(start_paused = true)]
async fn a_task_tracker_waits_for_its_tasks_to_finish() {
    use task_groups::{Job, Step::*};
    let log = Timeline::new();
    let tracker = tokio_util::task::TaskTracker::new();
    tracker.spawn(task_groups::worker(Job::ok("H").taking(2), log.clone(), U));
    tracker.close();
    tracker.wait().await;
    assert_eq!(
        timed(&log.entries()),
        [
            (s(0.0), Starting("H".into())),
            (s(2.0), Finished("H".into()))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn gather_with_return_exceptions_keeps_every_result_and_error_in_order() {
    let log = Timeline::new();
    let results = task_groups::gather_all(&task_groups::gather_jobs(), &log, U).await;
    assert_eq!(
        results,
        [
            Ok("Result from A".to_owned()),
            Err(task_groups::WorkerFailed("B".into())),
            Ok("Result from C".to_owned()),
        ]
    );
    assert!(
        !log.events()
            .iter()
            .any(|e| matches!(e, task_groups::Step::Cancelled(_)))
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_a_join_set_aborts_its_tasks_at_their_next_poll() {
    use task_groups::{Job, Step::*};
    let log = Timeline::new();
    let mut group = tokio::task::JoinSet::new();
    group.spawn(task_groups::worker(Job::ok("G").taking(5), log.clone(), U));
    sleep(U).await;
    drop(group);
    // Aborting is a request: the runtime drops the task the next time it schedules it.
    sleep(Duration::from_millis(1)).await;
    assert_eq!(
        timed(&log.entries()),
        [
            (s(0.0), Starting("G".into())),
            (s(1.0), Cancelled("G".into()))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_task_groups_demo_runs_the_seeds_three_parts() {
    let report = task_groups::run(U).await;
    assert!(report.all_succeed.outcome.is_ok());
    assert!(report.fail_fast.outcome.is_err());
    assert_eq!(report.slow_sibling.outcome.unwrap_err().cancelled, ["G"]);
    assert_eq!(
        report
            .collected
            .outcome
            .iter()
            .filter(|r| r.is_err())
            .count(),
        1
    );
}

// ------------------------------------------------------------------------- pitfalls

/// A future rebuilt in every `select!` round loses the message it had already received
/// when the other branch wins; pinned and polled by reference, it loses nothing.
#[tokio::test(start_paused = true)]
async fn a_select_loop_that_restarts_a_future_loses_messages_and_resuming_it_does_not() {
    let flat = |pairs: Vec<(u32, u32)>| -> Vec<u32> {
        pairs.into_iter().flat_map(|(a, b)| [a, b]).collect()
    };
    let all: Vec<u32> = (1..=12).collect();
    let restarted = flat(pitfalls::pairs_restarted_each_round(12).await);
    assert!(
        restarted.len() < all.len(),
        "nothing was lost: {restarted:?}"
    );
    assert_eq!(flat(pitfalls::pairs_resumed_across_rounds(12).await), all);
}

#[tokio::test]
async fn a_pinned_async_generator_can_be_polled_with_next() {
    let values = async_stream::stream! {
        for n in 1..=4u32 {
            yield n;
        }
    };
    assert_eq!(pitfalls::sum_of_stream(values).await, 10);
}

/// 50 ms of `std::thread::sleep` inside a task on a current-thread runtime: the ticker
/// never runs; on the blocking pool it keeps ticking (at least a few of its 1 ms ticks).
#[test]
fn blocking_inside_a_task_stalls_every_other_task_on_its_thread() {
    use pitfalls::Blocking;
    assert_eq!(pitfalls::ticks_while_blocking(Blocking::InTask).unwrap(), 0);
    assert!(pitfalls::ticks_while_blocking(Blocking::OnBlockingPool).unwrap() >= 5);
}

// ------------------------------------------------------------------------- the chapter

#[test]
fn the_chapter_lists_the_seeds_files_in_order() {
    let names: Vec<_> = concepts::asyncio::DEMOS.iter().map(|d| d.name).collect();
    assert_eq!(
        names,
        [
            "basics",
            "event_loop",
            "primitives",
            "coordination",
            "cancellation",
            "streaming",
            "task_groups"
        ]
    );
    for demo in concepts::asyncio::DEMOS {
        assert!(demo.seed_file.starts_with("Asyncio/"), "{}", demo.seed_file);
    }
    assert!(concepts::demo::find("asyncio/primitives").is_ok());
}

#[test]
fn the_speedup_variable_scales_the_seed_second_or_is_ignored_with_a_note() {
    assert_eq!(demo_unit(None), (SEED_SECOND, None));
    assert_eq!(demo_unit(Some("10")), (Duration::from_millis(100), None));
    for bad in ["0", "101", "fast", "-2"] {
        let (unit, note) = demo_unit(Some(bad));
        assert_eq!(unit, SEED_SECOND);
        assert!(note.unwrap().contains("CONCEPTS_ASYNC_SPEEDUP"), "{bad}");
    }
}

/// The whole chapter through the binary, 100 times faster than the seed (about half a second).
#[test]
fn concepts_run_asyncio_prints_every_demo() {
    let output = assert_cmd::Command::cargo_bin("concepts")
        .unwrap()
        .args(["run", "asyncio"])
        .env(concepts::asyncio::SPEEDUP_VAR, "100")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "=== asyncio/basics",
        "Future Result Set",
        "two blocking tasks met on a 2-worker runtime: true",
        "Final value of shared_resource: 20",
        "Shielded task result: Important Result",
        "Caught cancellation of task A",
        "Got value 4",
        "Results: [Ok(\"Result from A\"), Err(WorkerFailed(\"B\")), Ok(\"Result from C\")]",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(!stdout.contains("error:"), "{stdout}");
}
