//! For whoever runs the server: `GET /healthz` (is the database reachable) and
//! `GET /metrics` (Prometheus' text format, version 0.0.4: the outbox's jobs and the
//! applications, read from the database at each scrape, so every process of one
//! database reports the same).
//!
//! ```text
//! $ curl -s 127.0.0.1:7878/healthz
//! ok
//! $ curl -s 127.0.0.1:7878/metrics | grep -v '^#'
//! followup_jobs_due 1
//! followup_jobs_lag_seconds 540
//! followup_outbox_messages{state="queued"} 2
//! ...
//! ```

use std::fmt::Write;

use crate::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use followup_store::OutboxState;
use jiff::Timestamp;

use crate::{blocking, Problem, Shared};

/// `200 ok` when the database opens and answers a query; 503 with the reason when not.
pub async fn healthz(State(s): State<Shared>) -> Response {
    let ctx = s.ctx();
    match blocking(move || {
        ctx.facts()?
            .application_counts()
            .map_err(followup_app::ctx::store_err)?;
        Ok(())
    })
    .await
    {
        Ok(()) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "ok\n",
        )
            .into_response(),
        Err(p) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Database unavailable",
            format!("the database does not answer: {}", p.detail),
        )
        .into_response(),
    }
}

/// What `/metrics` reports, read at one moment.
#[derive(Debug, Default, PartialEq)]
pub struct Figures {
    /// Messages of the outbox in each state.
    pub outbox: Vec<(OutboxState, usize)>,
    /// Queued messages whose moment has come.
    pub due: usize,
    /// How long the oldest of those has waited past its moment.
    pub lag_seconds: i64,
    pub open: usize,
    pub closed: usize,
}

/// The figures of the database of `s` at `now`.
pub fn figures(store: &followup_store::Store, now: Timestamp) -> followup_store::Result<Figures> {
    let counted = store.outbox_counts(now)?;
    let outbox = OutboxState::ALL
        .iter()
        .map(|st| {
            let n = counted
                .states
                .iter()
                .find(|(c, _)| c == st)
                .map_or(0, |(_, n)| *n);
            (*st, n)
        })
        .collect();
    let lag_seconds = counted
        .oldest_due
        .map_or(0, |o| now.duration_since(o).as_secs().max(0));
    let (open, closed) = store.application_counts()?;
    Ok(Figures {
        outbox,
        due: counted.due,
        lag_seconds,
        open,
        closed,
    })
}

/// One gauge in Prometheus' text format: its help, its type, its samples (labels,
/// value).
pub(crate) fn gauge(out: &mut String, name: &str, help: &str, samples: &[(String, String)]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    for (labels, value) in samples {
        let _ = writeln!(out, "{name}{labels} {value}");
    }
}

/// The job queue of a PostgreSQL database in Prometheus' text format (the service's
/// `/metrics`): digests due and not taken, the oldest one's lag, and the digests of
/// the last two days by state.
pub fn queue_text(
    f: &followup_store::pg::QueueFigures,
    sends: &followup_store::pg::SendCounts,
    finished: &[(String, i64)],
    now: Timestamp,
) -> String {
    let mut out = String::new();
    let lag = f
        .oldest_due
        .map_or(0, |o| now.duration_since(o).as_secs().max(0));
    gauge(
        &mut out,
        "followup_jobs_due",
        "Daily digests whose moment has come and that no worker has taken yet.",
        &[(String::new(), f.due.to_string())],
    );
    gauge(
        &mut out,
        "followup_jobs_lag_seconds",
        "How long the oldest due digest has waited past its moment (0 when none waits).",
        &[(String::new(), lag.to_string())],
    );
    gauge(
        &mut out,
        "followup_digests",
        "Daily digests of yesterday and today by state (sent and nothing: done; failed and unknown: looked at by the operator).",
        &f.by_state
            .iter()
            .map(|(st, n)| (format!("{{state=\"{st}\"}}"), n.to_string()))
            .collect::<Vec<_>>(),
    );
    let send_lag = sends
        .oldest_due
        .map_or(0, |o| now.duration_since(o).as_secs().max(0));
    gauge(
        &mut out,
        "followup_outbox_due",
        "Messages of every user's outbox whose moment has come and that no worker has taken yet.",
        &[(String::new(), sends.due.to_string())],
    );
    gauge(
        &mut out,
        "followup_outbox_lag_seconds",
        "How long the oldest due message has waited past its moment (0 when none waits).",
        &[(String::new(), send_lag.to_string())],
    );
    gauge(
        &mut out,
        "followup_outbox_sending",
        "Messages being handed to the mail server now (or left so by a worker that stopped, until the next recovery).",
        &[(String::new(), sends.sending.to_string())],
    );
    gauge(
        &mut out,
        "followup_outbox_finished",
        "Messages of every user's outbox finished yesterday and today (UTC) by state (sent: done; failed and unknown: their users look at them).",
        &finished
            .iter()
            .map(|(st, n)| (format!("{{state=\"{st}\"}}"), n.to_string()))
            .collect::<Vec<_>>(),
    );
    out
}

/// The figures in Prometheus' text format.
pub fn text(f: &Figures) -> String {
    let mut out = String::new();
    let mut metric = |name: &str, help: &str, samples: &[(String, String)]| {
        gauge(&mut out, name, help, samples);
    };
    let one = |v: String| vec![(String::new(), v)];
    metric(
        "followup_jobs_due",
        "Messages of the outbox whose moment has come and that have not left yet.",
        &one(f.due.to_string()),
    );
    metric(
        "followup_jobs_lag_seconds",
        "How long the oldest due message has waited past its moment (0 when none waits).",
        &one(f.lag_seconds.to_string()),
    );
    metric(
        "followup_outbox_messages",
        "Messages of the outbox by state (sent: done; failed and unknown: need the user).",
        &f.outbox
            .iter()
            .map(|(st, n)| (format!("{{state=\"{}\"}}", st.as_str()), n.to_string()))
            .collect::<Vec<_>>(),
    );
    metric(
        "followup_applications",
        "Applications, open or closed.",
        &[
            ("{status=\"open\"}".to_string(), f.open.to_string()),
            ("{status=\"closed\"}".to_string(), f.closed.to_string()),
        ],
    );
    out
}

/// `GET /metrics`.
pub async fn metrics(State(s): State<Shared>) -> Result<Response, Problem> {
    let ctx = s.ctx();
    let f = blocking(move || {
        let store = ctx.store()?;
        Ok(figures(&store, ctx.now).map_err(followup_app::ctx::store_err)?)
    })
    .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text(&f),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_prometheus_exposition_format() {
        let f = Figures {
            outbox: vec![(OutboxState::Queued, 2), (OutboxState::Sent, 5)],
            due: 1,
            lag_seconds: 540,
            open: 3,
            closed: 1,
        };
        let t = text(&f);
        assert!(
            t.contains("# TYPE followup_jobs_due gauge\nfollowup_jobs_due 1\n"),
            "{t}"
        );
        assert!(t.contains("followup_jobs_lag_seconds 540\n"));
        assert!(t.contains("followup_outbox_messages{state=\"queued\"} 2\n"));
        assert!(t.contains("followup_outbox_messages{state=\"sent\"} 5\n"));
        assert!(t.contains("followup_applications{status=\"closed\"} 1\n"));
        // Every sample line is `name[{labels}] value`, every name announced first.
        for line in t.lines().filter(|l| !l.starts_with('#')) {
            let (name, value) = line.rsplit_once(' ').unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
            let bare = name.split('{').next().unwrap();
            assert!(t.contains(&format!("# TYPE {bare} gauge")), "{line}");
        }
    }
}
