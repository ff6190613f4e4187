//! The figures as Markdown, with the machine they ran on: what `docs/performance.md` holds.

use std::fmt::Write as _;
use std::time::Duration;

use lis_store::Backend;

use crate::measure::{ImportResult, PageResult, Readers, Samples};
use crate::queries::total;
use crate::{BackendReport, DETAIL_TARGET, IMPORT_TARGET, LIST_TARGET, Run};

/// The machine and build a run was made on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Machine {
    /// The CPU model.
    pub cpu: String,
    /// Logical CPUs available.
    pub cores: usize,
    /// Memory.
    pub memory: String,
    /// Operating system and kernel.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `release` or `debug`.
    pub profile: &'static str,
    /// When, in UTC.
    pub date: String,
    /// The load average when the run started (other work on the machine slows the figures).
    pub load: String,
    /// The commit, and whether the tree had changes.
    pub commit: String,
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = std::process::Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn first_value(file: &str, key: &str) -> Option<String> {
    std::fs::read_to_string(file).ok()?.lines().find_map(|line| {
        let (k, v) = line.split_once([':', '='])?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

impl Machine {
    /// This machine, this build, now.
    pub fn this() -> Self {
        let memory = first_value("/proc/meminfo", "MemTotal")
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or_else(
                || "unknown".to_owned(),
                |kb| format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0),
            );
        let os = format!(
            "{}, Linux {}",
            first_value("/etc/os-release", "PRETTY_NAME").unwrap_or_else(|| std::env::consts::OS.to_owned()),
            std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        );
        let commit = match command_output("git", &["rev-parse", "--short", "HEAD"]) {
            Some(hash) => {
                let dirty = command_output("git", &["status", "--porcelain", "--untracked-files=no"])
                    .is_some_and(|s| !s.is_empty());
                if dirty {
                    format!("{hash} (with uncommitted changes)")
                } else {
                    hash
                }
            }
            None => "unknown".to_owned(),
        };
        Self {
            cpu: first_value("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown".to_owned()),
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            memory,
            os,
            rustc: command_output("rustc", &["--version"]).unwrap_or_else(|| "unknown".to_owned()),
            profile: if cfg!(debug_assertions) {
                "debug (figures not representative)"
            } else {
                "release"
            },
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            load: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|| "unknown".to_owned()),
            commit,
        }
    }
}

/// A duration for people: microseconds, milliseconds or seconds as fits.
pub fn human(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1000.0)
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 999.5 {
        format!("{ms:.0} ms")
    } else if ms < 100_000.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.0} s", d.as_secs_f64())
    }
}

/// A count with thin spaces between thousands, as Swedish writes them.
pub fn count(n: impl Into<u128>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A size in bytes for people: kB or MB.
pub fn bytes(n: usize) -> String {
    if n < 1_000_000 {
        format!("{} kB", n.div_ceil(1000))
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

fn usize_count(n: usize) -> String {
    count(u128::try_from(n).unwrap_or(u128::MAX))
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

fn worst<'a>(pages: impl Iterator<Item = &'a PageResult>) -> Option<&'a PageResult> {
    pages.max_by_key(|p| p.samples.p95())
}

fn summary_pages(report: &BackendReport, target: Duration) -> String {
    let with_target: Vec<&PageResult> = report.pages.iter().filter(|p| p.target == Some(target)).collect();
    let met = with_target.iter().all(|p| p.met() == Some(true));
    match worst(with_target.iter().copied()) {
        Some(slowest) => format!(
            "{} (slowest p95 {}: {})",
            verdict(met),
            human(slowest.samples.p95()),
            slowest.name
        ),
        None => "not measured".to_owned(),
    }
}

/// LIS over the floor at the median and at the 95th percentile, and the larger of the two, by which the goal is
/// judged.
fn ratios(lis: &Samples, floor: &Samples) -> (f64, f64, f64) {
    let at_p50 = crate::gaps::ratio(lis.p50(), floor.p50());
    let at_p95 = crate::gaps::ratio(lis.p95(), floor.p95());
    (at_p50, at_p95, at_p50.max(at_p95))
}

/// A gap-analysis goal in the summary: met or not, the 95th percentile and its ratio to the floor.
fn compared_summary(lis: &Samples, floor: &Samples, target: Duration) -> String {
    let (_, _, ratio) = ratios(lis, floor);
    format!(
        "{} (p95 {}); {:.1} × the floor (p50 {}, p95 {}; {} ≤ {:.0})",
        verdict(lis.p95() < target),
        human(lis.p95()),
        ratio,
        human(floor.p50()),
        human(floor.p95()),
        if ratio <= crate::gaps::FLOOR_RATIO_TARGET {
            "met"
        } else {
            "**missed**"
        },
        crate::gaps::FLOOR_RATIO_TARGET
    )
}

fn readers_text(readers: &Readers) -> String {
    let mut text = format!(
        "{} answered (p50 {}, longest {})",
        readers.answered.0.len(),
        human(readers.answered.p50()),
        human(readers.answered.max())
    );
    let mut statuses: Vec<u16> = readers.failed.iter().map(|(status, _)| status.as_u16()).collect();
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let times: Vec<Duration> = readers
            .failed
            .iter()
            .filter(|(s, _)| s.as_u16() == status)
            .map(|(_, t)| *t)
            .collect();
        let _ = write!(
            text,
            ", **{} failed with {status}** after up to {}",
            times.len(),
            human(times.iter().max().copied().unwrap_or_default())
        );
    }
    text
}

/// The database time of one request of a page, on average.
fn per_request(page: &PageResult) -> Duration {
    let requests = u32::try_from(page.samples.0.len().max(1)).unwrap_or(u32::MAX);
    total(&page.breakdown).time / requests
}

/// The statements that took each page's database time.
fn page_statements(out: &mut String, pages: &[&PageResult]) {
    let _ = writeln!(
        out,
        "The statements behind each page, per request (the rest of a page's time is Rust: the handler, the \
         template, the middleware):\n"
    );
    let _ = writeln!(out, "| Page | Busiest statements per request |\n|---|---|");
    for page in pages {
        let requests = page.samples.0.len().max(1);
        let each = u32::try_from(requests).unwrap_or(u32::MAX);
        let listed: Vec<String> = page
            .breakdown
            .iter()
            .take(5)
            .map(|(statement, tally)| {
                let count = usize::try_from(tally.count).unwrap_or(usize::MAX) / requests;
                format!("`{statement}` ×{count} {}", human(tally.time / each))
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", page.name, listed.join(", "));
    }
    let _ = writeln!(out);
}

fn page_table(out: &mut String, pages: &[&PageResult], requests: usize, export_requests: usize) {
    let _ = writeln!(
        out,
        "| Page | Shows | Target (p95) | p50 | p95 | max | Statements (database time) per request | Size | Met |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---|");
    for page in pages {
        let _ = writeln!(
            out,
            "| {} <br>`{}` | {} | {} | {} | {} | {} | {:.0} ({}) | {} | {} |",
            page.name,
            page.uri,
            page.note,
            page.target
                .map_or_else(|| "—".to_owned(), |t| format!("< {}", human(t))),
            human(page.samples.p50()),
            human(page.samples.p95()),
            human(page.samples.max()),
            page.statements,
            human(per_request(page)),
            bytes(page.bytes),
            page.met().map_or("—", |met| if met { "yes" } else { "**no**" }),
        );
    }
    let _ = writeln!(
        out,
        "\n{requests} timed requests per page ({export_requests} for the export) after untimed warm-up requests.\n"
    );
}

fn import_breakdown(out: &mut String, result: &ImportResult, applied: bool) {
    let [read, validated, written] = result.stages;
    let after_parse = result.wall.saturating_sub(result.parse);
    let mut steps: Vec<(&str, Duration)> = vec![
        ("reading the CSV into sheets", result.parse),
        ("reading the rows (until the *read* report)", read.last),
        (
            "loading what is stored and checking every row, without a transaction (until the last *validated* \
             report)",
            validated.last.saturating_sub(read.last),
        ),
    ];
    if applied {
        steps.push((
            "writing the records in the transaction (the *written* reports)",
            written.last.saturating_sub(validated.last),
        ));
        steps.push((
            "writing the relations and committing (after the last *written* report)",
            after_parse.saturating_sub(written.last),
        ));
    } else {
        steps.push(("building the report", after_parse.saturating_sub(validated.last)));
    }
    let _ = writeln!(out, "| Step | Time |\n|---|---:|");
    for (step, took) in steps {
        let _ = writeln!(out, "| {step} | {} |", human(took));
    }
    let _ = writeln!(out, "| **all** | **{}** |\n", human(result.wall));
    let all = total(&result.statements);
    let _ = writeln!(
        out,
        "{} statements ({:.1} per row), {} of database time as the driver measured it. The busiest:\n",
        count(all.count),
        { all.count as f64 / result.rows.max(1) as f64 },
        human(all.time)
    );
    let _ = writeln!(out, "| Statement | Count | Per row | Time |\n|---|---:|---:|---:|");
    for (statement, tally) in result.statements.iter().take(8) {
        let _ = writeln!(
            out,
            "| `{statement}` | {} | {:.2} | {} |",
            count(tally.count),
            { tally.count as f64 / result.rows.max(1) as f64 },
            human(tally.time)
        );
    }
    let _ = writeln!(out);
}

fn backend_section(out: &mut String, run: &Run, report: &BackendReport) {
    let _ = writeln!(out, "## {}\n", report.label);
    let _ = writeln!(
        out,
        "{} at `{}`. Loading the municipality took {}{}.\n",
        report.version,
        report.url,
        human(report.setup),
        report
            .size_bytes
            .map(|b| format!(
                "; the database then held {}",
                bytes(usize::try_from(b).unwrap_or(usize::MAX))
            ))
            .unwrap_or_default()
    );
    let probes: Vec<String> = report
        .parameter_probe
        .iter()
        .map(|(parameters, took)| format!("{} with {} bound parameters", human(*took), usize_count(*parameters)))
        .collect();
    let _ = writeln!(out, "One statement through the pool (p50): {}.\n", probes.join(", "));
    let _ = writeln!(out, "### Lists and records' pages\n");
    let pages: Vec<&PageResult> = report.pages.iter().collect();
    page_table(out, &pages, run.options.requests, run.options.export_requests);
    page_statements(out, &pages);
    let _ = writeln!(out, "### Export\n");
    let export = &report.export;
    let _ = writeln!(
        out,
        "`{}`: p50 {}, max {} over {} downloads of {} ({:.0} statements each).\n",
        export.uri,
        human(export.samples.p50()),
        human(export.samples.max()),
        export.samples.0.len(),
        bytes(export.bytes),
        export.statements
    );
    let _ = writeln!(
        out,
        "### Import of {} new informationsmängder\n",
        usize_count(report.apply.rows)
    );
    let _ = writeln!(
        out,
        "| Import | Rows | Wall time | Rows per second | Progress reports (read / validated / written) | Target | Met |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---|---|---|");
    for (what, result, target) in [
        ("Planned (dry run, the preview)", &report.plan, None),
        (
            "Imported: planned, then written and committed",
            &report.apply,
            Some(IMPORT_TARGET),
        ),
    ] {
        let [read, validated, written] = result.stages;
        let _ = writeln!(
            out,
            "| {what} | {} | {} | {} | {} / {} / {} | {} | {} |",
            usize_count(result.rows),
            human(result.wall),
            usize_count(result.rows_per_second() as usize),
            read.reports,
            validated.reports,
            written.reports,
            target.map_or_else(|| "—".to_owned(), |t| format!("< {}", human(t))),
            target.map_or("—", |t| if result.wall < t { "yes" } else { "**no**" }),
        );
    }
    let v = &report.verification;
    let _ = writeln!(
        out,
        "\nAfter the import the database held {} more informationsmängder, {} more relations and {} more audit \
         events (expected {}, {} and {}): {}.\n",
        count(v.records_added),
        count(v.relations_added),
        count(v.events_added),
        count(v.records_expected),
        count(v.relations_expected),
        count(v.records_expected + v.relations_expected),
        if v.ok() {
            "every row and relation written, each with its audit event"
        } else {
            "**the counts do not match**"
        }
    );
    let _ = writeln!(out, "Where the time of the import went:\n");
    import_breakdown(out, &report.apply, true);
    let _ = writeln!(out, "Where the time of the dry run went:\n");
    import_breakdown(out, &report.plan, false);
    let c = &report.classification;
    let _ = writeln!(out, "### Classification (issue #6)\n");
    let _ = writeln!(
        out,
        "Set-up: {} informationsmängder classified and approved (written directly, most at levels 1–2, a tenth at 3); \
         every system's levels then computed from scratch in one transaction: {}.\n\n\
         Measured: one informationsmängd, held by {} systems, reclassified as the pages do it: a draft saved, then \
         approved, which recomputes the {} systems it can move (the holders and every platform below them) and \
         writes their levels and an audit event per system that moved, in one transaction; alternately all levels 3 \
         and all levels 1, so that every round moves them. {} rounds: p50 {}, p95 {}, max {} (target p95 < {}: {}).\n",
        usize_count(c.classified),
        human(c.full_recompute),
        crate::classify::HOLDERS,
        usize_count(c.affected),
        c.reclassify.0.len(),
        human(c.reclassify.p50()),
        human(c.reclassify.p95()),
        human(c.reclassify.max()),
        human(crate::classify::RECLASSIFY_TARGET),
        if c.reclassify.p95() < crate::classify::RECLASSIFY_TARGET {
            "met"
        } else {
            "**missed**"
        }
    );
    gaps_section(out, &report.gaps);
    let _ = writeln!(out, "### Readers during an import\n");
    let _ = writeln!(
        out,
        "A second reader requested `{}` back to back while {} rows were planned ({} with the reader running): {}.\n",
        report.readers_during_plan.uri,
        usize_count(run.generated.concurrent_plan_rows),
        human(report.readers_during_plan.work),
        readers_text(&report.readers_during_plan)
    );
    let _ = writeln!(
        out,
        "The same request every 500 ms while the {} rows were imported ({}): {}.\n",
        usize_count(report.apply.rows),
        human(report.readers_during_apply.work),
        readers_text(&report.readers_during_apply)
    );
}

/// One measurement of the gap analysis beside its floor, as a row of the table.
fn compared_row(
    out: &mut String,
    name: &str,
    note: &str,
    lis: &Samples,
    floor: &Samples,
    statements: f64,
    target: Duration,
) {
    let (at_p50, at_p95, ratio) = ratios(lis, floor);
    let _ = writeln!(
        out,
        "| {name} | {note} | < {} | {} | {} | {} | {statements:.0} | {} | {} | {at_p50:.1} / {at_p95:.1} | {} |",
        human(target),
        human(lis.p50()),
        human(lis.p95()),
        human(lis.max()),
        human(floor.p50()),
        human(floor.p95()),
        match (lis.p95() < target, ratio <= crate::gaps::FLOOR_RATIO_TARGET) {
            (true, true) => "yes",
            (true, false) => "time yes, **ratio no**",
            (false, true) => "**time no**, ratio yes",
            (false, false) => "**no**",
        }
    );
}

/// The floor's statement as the report shows it: the inline catalogue cut to its first row.
fn shown_sql(sql: &str) -> String {
    let Some(start) = sql.find("AS (VALUES\n") else {
        return sql.to_owned();
    };
    let values_start = start + "AS (VALUES\n".len();
    let Some(end) = sql[values_start..].find("),\nsystems AS") else {
        return sql.to_owned();
    };
    let values = &sql[values_start..values_start + end];
    let first = values.lines().next().unwrap_or_default().trim_end_matches(',');
    let rows = values.lines().count();
    format!(
        "{}{first}\n    -- … and a row for each of the other {} requirements of the catalogue\n{}",
        &sql[..values_start],
        rows.saturating_sub(1),
        &sql[values_start + end..]
    )
}

/// The gap analysis of issue #7 on one backend.
fn gaps_section(out: &mut String, g: &crate::gaps::GapsResult) {
    let _ = writeln!(out, "### Gap analysis (issue #7)\n");
    let _ = writeln!(
        out,
        "Set-up ({}, written directly without audit events): a status for every requirement that applies to each of \
         the {} systems not retired, {} rows (half *uppfyllt*, a tenth each *ej tillämpligt* and *ej bedömd*, the \
         rest gaps of every *brist*, some overdue, 1 % local exceptions); {} shared controls created through LIS, \
         each meeting four grundskydd requirements, the first used directly by {} application systems and the others \
         by two platforms each (and so by everything that runs on them); a new objektsägare of förvaltningsobjekt \
         with {} systems. The municipality then has {} applicable (system, requirement) pairs, {} met ({}), {} gaps.\n",
        human(g.setup),
        usize_count(g.systems),
        usize_count(g.statuses),
        g.shared_controls,
        usize_count(crate::gaps::SHARED_USERS),
        g.owned,
        count(g.whole.applicable),
        count(g.whole.met),
        g.whole
            .percent_met()
            .map_or_else(|| "–".to_owned(), |p| format!("{p} %")),
        count(g.whole.gaps()),
    );
    let _ = writeln!(
        out,
        "| Measured | Shows | Target (p95) | p50 | p95 | max | Statements per request | Floor p50 | Floor p95 | LIS / floor (p50 / p95) | Met (time, ratio ≤ {:.0}) |",
        crate::gaps::FLOOR_RATIO_TARGET
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for compared in [&g.my_gaps, &g.report] {
        let page = &compared.lis;
        compared_row(
            out,
            &format!("{} <br>`{}`", page.name, page.uri),
            &page.note,
            &page.samples,
            &compared.floor,
            page.statements,
            page.target.unwrap_or_default(),
        );
    }
    let rounds = g.change.0.len().max(1);
    compared_row(
        out,
        &format!(
            "Changing the shared control used by {} systems",
            usize_count(crate::gaps::SHARED_USERS)
        ),
        &format!(
            "{} then showed the new status, {} kept a local exception",
            usize_count(g.change_seen.0),
            usize_count(g.change_seen.1)
        ),
        &g.change,
        &g.change_floor,
        total(&g.change_statements).count as f64 / rounds as f64,
        crate::gaps::SHARED_CHANGE_TARGET,
    );
    let _ = writeln!(
        out,
        "\n{} timed requests each after untimed warm-up, and {} timed changes (a change takes about a millisecond: \
         with as few rounds as the pages, its 95th percentile would be decided by the slowest two or three, that is \
         by the machine's scheduling); the floors as many times as each. The pages are requested \
         through the router like the others: the report as the CISO, *Mina brister* as the objektsägare, each with \
         a session made in the database. The change goes through `lis_store::shared_controls::update` as the page \
         does it (the control read at its version, checked, updated with its requirements and an audit event, in \
         one transaction, committed), alternately to *delvis uppfyllt* with a *måttlig brist* and back to \
         *uppfyllt*; the systems inherit when they are read, so nothing per system is written. Afterwards every user \
         of the control was read back to see the new status.\n",
        g.report.lis.samples.0.len(),
        g.change.0.len()
    );
    let _ = writeln!(
        out,
        "**The report reads stored summaries.** LIS keeps each system's counts (per control and per measure of the \
         law) between requests, and works a system's out again only when it no longer holds: a status of the system \
         saved, its levels, what it inherits from shared controls, the catalogue or the SoA changed, or a gap fallen \
         overdue. The timings above are of the report with every summary stored (its warm-up stored them). When \
         summaries must be worked out again, the report takes longer:\n\n\
         | The report (`/gaps`) | Requests | p50 | p95 | max |\n|---|---:|---:|---:|---:|"
    );
    for (case, samples) in [
        (
            "with no summary stored (the first report, or the first after a change of the catalogue or the SoA): \
             every system's statuses read and counted, the summaries stored"
                .to_owned(),
            &g.report_unsummarised,
        ),
        (
            format!(
                "right after a change of the shared control above (in rounds of their own, before the timed changes): its \
                 {} users' summaries worked out again",
                usize_count(crate::gaps::SHARED_USERS)
            ),
            &g.report_after_change,
        ),
    ] {
        let _ = writeln!(
            out,
            "| {case} | {} | {} | {} | {} |",
            samples.0.len(),
            human(samples.p50()),
            human(samples.p95()),
            human(samples.max())
        );
    }
    let _ = writeln!(out);
    page_statements(out, &[&g.my_gaps.lis, &g.report.lis]);
    let _ = writeln!(
        out,
        "Where the report's time goes: its steps called directly, as the page calls them, with every summary stored \
         ({} times each):\n\n\
         | Step | p50 | p95 |\n|---|---:|---:|",
        g.report_steps.first().map_or(0, |(_, s)| s.0.len())
    );
    for (step, samples) in &g.report_steps {
        let _ = writeln!(out, "| {step} | {} | {} |", human(samples.p50()), human(samples.p95()));
    }
    let _ = writeln!(
        out,
        "\nThe rest of the page's time is the page itself: the org tree and names, the tables and the heatmap \
         drawn, the template.\n"
    );
    let _ = writeln!(
        out,
        "**The floors.** Each is one hand-written statement over the same tables, timed from sending it until \
         every row is read, and **checked to agree with LIS before it is timed** (the benchmark stops if not): the \
         report's floor gives the tallies per org unit, objektsägare and control theme, which must equal LIS's \
         whole, heatmap cells and per-owner figures; *Mina brister*'s gives every gap of the objektsägare, as many as \
         LIS counts (its page ranks them all, counts them and lists the first {} worst). The catalogue lives in \
         files, not in the database, so the statements carry it inline, one row per requirement with its theme, \
         aspects and rule (as SQL). The report's floor computes the tallies only; the \
         page also ranks the 50 worst gaps, counts per measure of cybersäkerhetslagen and draws the heatmap, so the \
         floor is lower than a statement doing all of it. The change's floor does what a change must do in LIS: \
         the control's row updated and an audit event with the row before and after written, atomically (every \
         change is written to the audit trail in its transaction); it reads no requirements and checks nothing. On \
         PostgreSQL it is one statement, on SQLite (where one statement cannot write two tables) the two statements \
         of one transaction sent as one text; it is in the details below. The control's row updated alone, without \
         an audit event (`{}`), takes {} (p50) and {} (p95): LIS's change is {:.1} times that (p50).\n",
        lis_web::MY_GAPS_PER_PAGE,
        g.change_bare_sql,
        human(g.change_bare.p50()),
        human(g.change_bare.p95()),
        crate::gaps::ratio(g.change.p50(), g.change_bare.p50()),
    );
    let _ = writeln!(
        out,
        "<details><summary>The report's floor</summary>\n\n```sql\n{}\n```\n\n</details>\n\n\
         <details><summary>The floor of Mina brister (its last lines; the rest is the report's)</summary>\n\n```sql\n{}\n```\n\n</details>\n\n\
         <details><summary>The floor of the change</summary>\n\n```sql\n{}\n```\n\n</details>\n",
        shown_sql(&g.report.floor_sql),
        g.my_gaps
            .floor_sql
            .rsplit_once("FROM counting)")
            .map_or(g.my_gaps.floor_sql.as_str(), |(_, tail)| tail)
            .trim(),
        g.change_floor_sql
    );
}

/// The whole document.
pub fn markdown(run: &Run) -> String {
    let mut out = String::new();
    let g = &run.generated;
    let _ = writeln!(
        out,
        "# Performance\n\n\
         <!-- Written by `scripts/bench` (crates/lis-bench). Change the benchmark, not this file: the next run \
         replaces it. -->\n\n\
         The benchmarks of issues #5 (inventory), #6 (classification) and #7 (gap analysis): a generated large municipality, measured on SQLite and PostgreSQL. \
         Run it with one command from the repository's root:\n\n\
         ```sh\nscripts/bench            # both databases; writes this file\n\
         scripts/bench --backend sqlite   # arguments are passed to lis-bench (see --help)\n```\n\n\
         It builds `lis-bench` in release mode and needs PostgreSQL at `LIS_BENCH_POSTGRES_URL` (default \
         `postgres://postgres@127.0.0.1:5432/postgres`; it creates and drops a database `lis_bench_<pid>`). When \
         the server's Unix socket is in `LIS_BENCH_POSTGRES_SOCKET` (default `/var/run/postgresql`), PostgreSQL is \
         measured a second time through it. Over TCP the connection is encrypted when the server offers TLS, as \
         a database on another host should be reached; through the socket it is not (the machine's table says \
         which each run had). The run below took {} on the machine below, the build aside.\n",
        human(run.took)
    );

    let _ = writeln!(out, "## Summary\n");
    let mut header = "| Goal |".to_owned();
    let mut rule = "|---|".to_owned();
    for report in &run.backends {
        let _ = write!(header, " {} |", report.label);
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let row = |label: &str, cell: &dyn Fn(&BackendReport) -> String| {
        let mut line = format!("| {label} |");
        for report in &run.backends {
            let _ = write!(line, " {} |", cell(report));
        }
        line
    };
    let lines = [
        row(
            &format!(
                "First page of each list with a filter and a search term: p95 < {}",
                human(LIST_TARGET)
            ),
            &|r| summary_pages(r, LIST_TARGET),
        ),
        row(&format!("A record's page: p95 < {}", human(DETAIL_TARGET)), &|r| {
            summary_pages(r, DETAIL_TARGET)
        }),
        row(
            &format!(
                "Importing {} informationsmängder from CSV: < {}",
                usize_count(g.import_rows),
                human(IMPORT_TARGET)
            ),
            &|r| {
                format!(
                    "{} ({}, {} rows/s)",
                    verdict(r.apply.wall < IMPORT_TARGET),
                    human(r.apply.wall),
                    usize_count(r.apply.rows_per_second() as usize)
                )
            },
        ),
        row(
            &format!(
                "The heatmap of the whole organisation (issue #6): p95 < {}",
                human(crate::HEATMAP_TARGET)
            ),
            &|r| summary_pages(r, crate::HEATMAP_TARGET),
        ),
        row(
            &format!(
                "Reclassifying an informationsmängd held by {} systems, every effective level committed (issue #6): \
                 p95 < {}",
                crate::classify::HOLDERS,
                human(crate::classify::RECLASSIFY_TARGET)
            ),
            &|r| {
                let c = &r.classification;
                format!(
                    "{} (p95 {}, {} systems recomputed)",
                    verdict(c.reclassify.p95() < crate::classify::RECLASSIFY_TARGET),
                    human(c.reclassify.p95()),
                    usize_count(c.affected)
                )
            },
        ),
        row(
            &format!(
                "A reader of the lists while {} rows are planned",
                usize_count(g.concurrent_plan_rows)
            ),
            &|r| readers_text(&r.readers_during_plan),
        ),
        row(
            &format!(
                "A reader of the lists while {} rows are imported",
                usize_count(g.import_rows)
            ),
            &|r| readers_text(&r.readers_during_apply),
        ),
    ];
    // The gap analysis's goals, each beside its floor (issue #7).
    type Pick = fn(&BackendReport) -> (&Samples, &Samples);
    let gap_goals: [(String, Pick, Duration); 3] = [
        (
            format!(
                "Mina brister of an objektsägare of {} systems (issue #7): p95 < {}",
                crate::gaps::OWNED_SYSTEMS,
                human(crate::gaps::MY_GAPS_TARGET)
            ),
            |r| (&r.gaps.my_gaps.lis.samples, &r.gaps.my_gaps.floor),
            crate::gaps::MY_GAPS_TARGET,
        ),
        (
            format!(
                "The gap report of the whole municipality with its heatmap (issue #7): p95 < {}",
                human(crate::gaps::REPORT_TARGET)
            ),
            |r| (&r.gaps.report.lis.samples, &r.gaps.report.floor),
            crate::gaps::REPORT_TARGET,
        ),
        (
            format!(
                "Changing a shared control used by {} systems (issue #7): p95 < {}",
                usize_count(crate::gaps::SHARED_USERS),
                human(crate::gaps::SHARED_CHANGE_TARGET)
            ),
            |r| (&r.gaps.change, &r.gaps.change_floor),
            crate::gaps::SHARED_CHANGE_TARGET,
        ),
    ];
    // The gap analysis's rows go before the two rows of readers during an import.
    let (goals, readers) = lines.split_at(lines.len() - 2);
    for line in goals {
        let _ = writeln!(out, "{line}");
    }
    for (label, pick, target) in gap_goals {
        let line = row(&label, &|r| {
            let (lis, floor) = pick(r);
            compared_summary(lis, floor, target)
        });
        let _ = writeln!(out, "{line}");
    }
    for line in readers {
        let _ = writeln!(out, "{line}");
    }

    let m = &run.machine;
    let _ = writeln!(
        out,
        "\n## Machine\n\n| | |\n|---|---|\n| CPU | {} ({} logical CPUs) |\n| Memory | {} |\n| System | {} |\n\
         | Rust | {} |\n| Build | {} |\n| Commit | {} |\n| Date | {} |\n| Load average at the start (1, 5, 15 min) | {} |",
        m.cpu, m.cores, m.memory, m.os, m.rustc, m.profile, m.commit, m.date, m.load
    );
    for report in &run.backends {
        let _ = writeln!(out, "| {} | {} |", report.label, report.version);
    }

    let _ = writeln!(
        out,
        "\n## What is measured\n\n\
         **The municipality** (generated from seed {seed}, the same on both databases): {} org units (nämnder, \
         förvaltningar, avdelningar, enheter and bolag), {} people, {} förvaltningsobjekt, {} systems of which {} \
         are platforms in three layers, {} informationsmängder (2 % retired) and {} relations: {} *lagras i*, {} \
         *körs på* (platforms run on the layer below, applications on platforms, so never a cycle) and {} \
         *integrerar med*. About a fifth of the *lagras i* relations go to the busiest 1 % of systems, as a \
         collaboration platform or a file server would hold much of a municipality's information. Names are \
         Swedish, combined from word lists.\n\n\
         **Set-up skips the audit trail.** The organisation, its units and its people are created through LIS's \
         services, each with its audit event; the inventory and its relations are written with multi-row inserts \
         in one transaction **without audit events**, as set-up for measuring reads. The measured import writes \
         through LIS's own importer, with an audit event for every record and relation. Both databases are \
         `ANALYZE`d after loading, as a database in use would be (PostgreSQL by autovacuum, an SQLite file by \
         `lis serve` when it starts); SQLite is opened as `lis serve` opens it (WAL, four connections, changes \
         beginning `IMMEDIATE`).\n\n\
         **Pages** are requested through the real router (`lis_web::router`, every middleware included) \
         in-process, as a signed-in CISO whose session is made in the database. *Server time* is from handing the \
         request to the router until the last byte of the body is read: no network and no browser. The lists are \
         filtered on {} (a förvaltning and the {} units below it) and searched for “{}”; the system list also \
         filters on *i drift*. Statements per request are counted with sea-orm's metric callback.\n\n\
         **The import** is a CSV file ({}) in the systemförteckning layout of the export: {} rows, each a new \
         informationsmängd with its org unit, informationsägare (by e-mail) and one to three systems that hold it \
         (by name), {} relations in all. It is read with `lis_sheets::read` and imported with \
         `lis_store::inventory_import::plan` (the dry run that the preview shows) and \
         `lis_store::inventory_import::import` (what the import page runs: the plan made again without a \
         transaction, then every row written in one transaction and committed). *Progress reports* count the calls of the import's progress callback per \
         stage.\n\n\
         **Readers during an import**: while the first {} rows of the file are planned, another task requests the \
         filtered informationsmängd list back to back through the same router and connection pool; while the whole \
         file is applied it does so every 500 ms (the import's statement counts include these few requests).\n\n\
         **The gap analysis** (issue #7) is set up on the classified municipality before the import: a status for \
         every applicable requirement, shared controls and an objektsägare, described in each database's section \
         with the floors it is compared with.\n\n\
         **The allocator.** `lis-bench`, like `lis`, uses mimalloc as its global allocator, so the figures are those \
         of the server as it ships. Like `lis`, it runs without transparent huge pages (mimalloc built with `no_thp`, \
         and the process turning them off when it starts): with them, each first touch of fresh memory had the kernel \
         clear a whole 2 MiB page, which on a virtual machine cost the 60 000-row import about a second (over half of \
         its time before the first write went to clearing pages), while the gap report gained at most a few per cent \
         from them.\n",
        usize_count(g.units),
        usize_count(g.people),
        usize_count(g.objects),
        usize_count(g.systems),
        usize_count(g.platforms),
        usize_count(g.information_sets),
        usize_count(g.relations.iter().sum()),
        usize_count(g.relations[0]),
        usize_count(g.relations[1]),
        usize_count(g.relations[2]),
        g.filter_unit,
        usize_count(g.filter_units.saturating_sub(1)),
        g.search,
        bytes(g.csv_bytes),
        usize_count(g.import_rows),
        usize_count(g.import_relations),
        usize_count(g.concurrent_plan_rows),
        seed = run.options.seed,
    );

    for report in &run.backends {
        backend_section(&mut out, run, report);
    }
    notes(&mut out, run);
    out
}

/// The 95th percentile of the slowest page with `target`.
fn slowest(report: &BackendReport, target: Duration) -> Duration {
    report
        .pages
        .iter()
        .filter(|p| p.target == Some(target))
        .map(|p| p.samples.p95())
        .max()
        .unwrap_or_default()
}

/// What the figures themselves show about the misses, when they show it.
fn notes(out: &mut String, run: &Run) {
    let mut notes = Vec::new();
    for report in &run.backends {
        // Where the time of each page that missed its goal went.
        let missed: Vec<String> = report
            .pages
            .iter()
            .filter(|page| page.met() == Some(false))
            .map(|page| {
                let database = per_request(page);
                let requests = u32::try_from(page.samples.0.len().max(1)).unwrap_or(u32::MAX);
                let busiest = page.breakdown.first().map_or_else(String::new, |(statement, tally)| {
                    format!(", most in `{statement}` ({})", human(tally.time / requests))
                });
                format!(
                    "{} (p95 {}: {} in the database per request{busiest}, the rest in Rust)",
                    page.name,
                    human(page.samples.p95()),
                    human(database)
                )
            })
            .collect();
        if !missed.is_empty() {
            notes.push(format!(
                "**{}: pages over their goal.** {}.",
                report.label,
                missed.join("; ")
            ));
        }
        let g = &report.gaps;
        if g.report.lis.samples.p95() >= crate::gaps::REPORT_TARGET {
            let step = |n: usize| g.report_steps.get(n).map_or(Duration::ZERO, |(_, s)| s.p50());
            notes.push(format!(
                "**{}: the gap report of the whole municipality is over its goal** (p95 {} against {}), with every \
                 system's summary stored. Its steps (medians): the systems {}, the analysis from the summaries {}, \
                 the statuses of the systems holding the 50 worst gaps {}, ranking those {}.",
                report.label,
                human(g.report.lis.samples.p95()),
                human(crate::gaps::REPORT_TARGET),
                human(step(0)),
                human(step(1)),
                human(step(2)),
                human(step(3)),
            ));
        }
        let [(few, few_took), (many, many_took)] = report.parameter_probe[..] else {
            continue;
        };
        if many_took > Duration::from_millis(20) && many_took > few_took * 10 {
            // Statements that cost a page at least one stall (35 ms) per request.
            let mut slow: Vec<String> = Vec::new();
            for page in &report.pages {
                let requests = u32::try_from(page.samples.0.len().max(1)).unwrap_or(u32::MAX);
                for (statement, tally) in &page.breakdown {
                    let per_request = tally.time / requests;
                    if per_request > Duration::from_millis(35)
                        && !slow.iter().any(|s| s.starts_with(&format!("`{statement}`")))
                    {
                        slow.push(format!("`{statement}` ({} per request)", human(per_request)));
                    }
                }
            }
            let socket = run
                .backends
                .iter()
                .find(|other| other.backend == Backend::Postgres && other.label != report.label);
            let compared = socket.map_or_else(String::new, |other| {
                format!(
                    " Through the Unix socket the same server gave p95 {} for the slowest list, {} for the slowest \
                     record's page and {} for the import (section {}).",
                    human(slowest(other, LIST_TARGET)),
                    human(slowest(other, DETAIL_TARGET)),
                    human(other.apply.wall),
                    other.label
                )
            });
            notes.push(format!(
                "**{} stalls on large statements.** One statement with {} bound parameters took {} against {} \
                 with {}. That is the wait of a socket without `TCP_NODELAY`: a message longer than the socket's \
                 first send buffer (about 16 kB) goes out in two parts, and the second waits for the server's delayed \
                 acknowledgement, about 40 ms. sqlx-core 0.9.0 dropped `TCP_NODELAY` \
                 ([transact-rs/sqlx#4335](https://github.com/transact-rs/sqlx/issues/4335)) and LIS builds it \
                 patched to set it again (`crates/vendor/README.md`), so this build does not have that patch. \
                 Statements that cost the pages such a wait: {}. The import's multi-row statements pay it too. A \
                 Unix socket (`?host=/var/run/postgresql` in the URL) has no such delay.{compared}",
                report.label,
                usize_count(many),
                human(many_took),
                human(few_took),
                usize_count(few),
                if slow.is_empty() {
                    "none".to_owned()
                } else {
                    slow.join(", ")
                },
            ));
        }
        let refused: Vec<&(axum::http::StatusCode, Duration)> = report
            .readers_during_apply
            .failed
            .iter()
            .filter(|(status, _)| *status == axum::http::StatusCode::SERVICE_UNAVAILABLE)
            .collect();
        if report.backend == Backend::Sqlite && !refused.is_empty() {
            notes.push(format!(
                "**SQLite: readers were refused during an import's write.** The import's transaction wrote for \
                 {} (after the plan made without a transaction); requests that found no free connection of the \
                 pool (`lis_store::connect`) within its 5 s acquire timeout failed with 503 ({} of {} here).",
                human(
                    report
                        .apply
                        .wall
                        .saturating_sub(report.apply.parse)
                        .saturating_sub(report.apply.stages[1].last)
                ),
                refused.len(),
                refused.len() + report.readers_during_apply.answered.0.len()
            ));
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "## What the figures show\n");
        for note in notes {
            let _ = writeln!(out, "- {note}\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_shown_with_its_inline_catalogue_cut_to_one_row() {
        let sql = "WITH RECURSIVE\nreq (a, b) AS (VALUES\n    ('x', 1),\n    ('y', 2),\n    ('z', 3)),\nsystems AS (SELECT 1)\nSELECT 1";
        assert_eq!(
            shown_sql(sql),
            "WITH RECURSIVE\nreq (a, b) AS (VALUES\n    ('x', 1)\n    -- … and a row for each of the other 2 requirements \
             of the catalogue\n),\nsystems AS (SELECT 1)\nSELECT 1"
        );
        assert_eq!(
            shown_sql("SELECT 1"),
            "SELECT 1",
            "a statement without a catalogue is shown whole"
        );
    }
}
