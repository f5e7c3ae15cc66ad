//! One function per subcommand.

mod bindings;
mod init;
mod run;

use crate::cli::{
    CheckArgs, CheckFormat, Cli, Command, FactsFormat, InputArgs, Mode, PlanArgs, PlanFormat,
    SchemaKind,
};
use crate::Outcome;
use anyhow::{bail, Context, Result};
use jiff::civil::{Date, Weekday};
use rollgate_intake::Facts;
use rollgate_knowledge::Knowledge;
use std::io::Write;

pub fn dispatch(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Plan(args) => plan(args),
        Command::Init(args) => init::run(args),
        Command::Run(cmd) => run::dispatch(cmd),
        Command::Verify(cmd) => {
            let cmd = *cmd;
            let args = match (cmd.engine, cmd.args) {
                (Some(crate::cli::VerifyCommand::Postgres(args)), _) => args,
                (None, Some(args)) => args,
                (None, None) => bail!("give --source and --target (see rollgate verify --help)"),
            };
            let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(progress_bar);
            let opts = rollgate_verify::Options {
                source: args.source.clone(),
                target: args.target.clone(),
                tables: args.tables.clone(),
                schema: args.schema.clone(),
                estimate: args.estimate,
                recheck_after: args.recheck_after,
                statement_timeout_ms: args.statement_timeout_ms,
                chunk_rows: args.chunk_rows,
                leaf_rows: args.leaf_rows,
                sample: args.sample,
                cells: args.cells,
                expect_equal: args.expect_equal,
                jobs: args.jobs as usize,
                rate_limit: args.rate_limit,
                single_scan_rows: None,
                grouped_max_rows: rollgate_verify::Options::default().grouped_max_rows,
                progress: bar.as_ref().map(|(_, sink)| sink.clone()),
            };
            let report = rollgate_verify::verify(&opts);
            if let Some((bar, _)) = &bar {
                bar.finish_and_clear();
            }
            let report = report?;
            let out = match args.format {
                FactsFormat::Text => rollgate_verify::text(&report),
                FactsFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
            };
            std::io::stdout().lock().write_all(out.as_bytes())?;
            Ok(if report.equal {
                Outcome::Ok
            } else {
                Outcome::Finding
            })
        }
        Command::Serve(args) => {
            let mut k = Knowledge::builtin().context("loading built-in knowledge")?;
            if let Some(dir) = &args.knowledge {
                k.load_dir(dir)
                    .with_context(|| format!("loading knowledge packs from {}", dir.display()))?;
            }
            let db = args
                .db
                .clone()
                .unwrap_or_else(rollgate_serve::default_db_path);
            let options = rollgate_serve::Options {
                allowed_hosts: args.allow_host.clone(),
                ..Default::default()
            };
            rollgate_serve::run_blocking(args.addr, &db, k, Some(args.runs.clone()), &options)?;
            Ok(Outcome::Ok)
        }
        Command::Schema(args) => match args.kind {
            SchemaKind::Spec => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rollgate_intake::json_schema())?
                );
                Ok(Outcome::Ok)
            }
        },
    }
}

/// A progress bar on stderr, fed from the verifier's worker threads.
fn progress_bar() -> (indicatif::ProgressBar, rollgate_verify::ProgressSink) {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} verifying [{bar:30}] {pos}/{len} tables · {msg} · {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let feed = bar.clone();
    let sink = rollgate_verify::ProgressSink(std::sync::Arc::new(move |p| {
        feed.set_length(p.tables_total as u64);
        feed.set_position(p.tables_done as u64);
        feed.set_message(format!(
            "{} of ~{} rows · last {}",
            p.rows_done, p.rows_total, p.table
        ));
    }));
    (bar, sink)
}

/// The start date from `--start`, or the next Monday after today.
fn start_date(flag: Option<&str>) -> Result<Date> {
    match flag {
        Some(s) => {
            let shown = rollgate_intake::source::quoted(s, 40);
            let date = s.trim().parse::<Date>().with_context(|| {
                format!(
                    "--start \"{shown}\" is not a date; use YYYY-MM-DD, e.g. --start 2026-04-27"
                )
            })?;
            anyhow::ensure!(
                rollgate_intake::date_in_range(date),
                "--start {date} is outside the years rollgate plans in ({}–{})",
                rollgate_intake::EARLIEST_YEAR,
                rollgate_intake::LATEST_YEAR
            );
            Ok(date)
        }
        None => {
            let today = jiff::Timestamp::now()
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date();
            let mut d = today.tomorrow()?;
            while d.weekday() != Weekday::Monday {
                d = d.tomorrow()?;
            }
            Ok(d)
        }
    }
}

fn knowledge(args: &InputArgs) -> Result<Knowledge> {
    let mut k = Knowledge::builtin().context("loading built-in knowledge")?;
    if let Some(dir) = &args.knowledge {
        k.load_dir(dir)
            .with_context(|| format!("loading knowledge packs from {}", dir.display()))?;
    }
    Ok(k)
}

fn read_facts(args: &InputArgs) -> Result<Facts> {
    let k = knowledge(args)?;
    read_facts_with(args, &k)
}

fn read_facts_with(args: &InputArgs, k: &Knowledge) -> Result<Facts> {
    let start = start_date(args.start.as_deref())?;
    let facts = rollgate_intake::read_path(&args.input, k, start).map_err(anyhow::Error::new)?;
    // Only a facts document (written by `check`) carries its own start
    // date: its relative dates were resolved against it, so another one
    // would plan from dates the input never meant.
    if args.start.is_some() && facts.start_date != start {
        anyhow::bail!(
            "{} holds facts read for the start date {}; --start {start} would plan from different dates. Drop --start, or run `rollgate check` on the original input with --start {start}.",
            args.input,
            facts.start_date
        );
    }
    Ok(facts)
}

fn check(args: CheckArgs) -> Result<Outcome> {
    let facts = read_facts(&args.input)?;
    let out = match args.format {
        CheckFormat::Text => rollgate_render::facts_text(&facts),
        CheckFormat::Json => serde_json::to_string_pretty(&facts)? + "\n",
        CheckFormat::Toml => toml::to_string(&facts).context("writing the facts as TOML")?,
        CheckFormat::Yaml => {
            serde_norway::to_string(&facts).context("writing the facts as YAML")?
        }
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    if args.strict && (!facts.warnings.is_empty() || !facts.uninterpreted.is_empty()) {
        eprintln!(
            "rollgate: --strict: {} warning(s) and {} uninterpreted passage(s)",
            facts.warnings.len(),
            facts.uninterpreted.len()
        );
        return Ok(Outcome::Finding);
    }
    Ok(Outcome::Ok)
}

/// Refuses an output path that names the input file (by any path or link):
/// writing the plan there would destroy the spec it was made from.
fn refuse_overwriting_input(input: &str, output: &std::path::Path) -> Result<()> {
    if input == "-" {
        return Ok(());
    }
    let (Ok(a), Ok(b)) = (std::fs::metadata(input), std::fs::metadata(output)) else {
        return Ok(());
    };
    #[cfg(unix)]
    let same = {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    };
    #[cfg(not(unix))]
    let same = std::fs::canonicalize(input).ok() == std::fs::canonicalize(output).ok();
    let _ = (&a, &b);
    if same {
        bail!(
            "-o {}: that is the input file; write the plan to another file",
            output.display()
        );
    }
    Ok(())
}

fn plan(args: PlanArgs) -> Result<Outcome> {
    if let Some(output) = &args.output {
        refuse_overwriting_input(&args.input.input, output)?;
    }
    let k = knowledge(&args.input)?;
    let facts = read_facts_with(&args.input, &k)?;
    let mode = match args.mode {
        None => rollgate_planning::Mode::Auto,
        Some(Mode::Database) => rollgate_planning::Mode::Database,
        Some(Mode::Framework) => rollgate_planning::Mode::Framework,
        Some(Mode::Service) => rollgate_planning::Mode::Service,
        Some(Mode::CriticalPath) => rollgate_planning::Mode::CriticalPath,
    };
    // The plan checker runs on every plan: a contradiction is never silent.
    let (plan, found) = rollgate_planning::plan_checked(&facts, &k, mode);
    for i in found {
        eprintln!("warning: {i}");
    }
    let out = match args.format {
        PlanFormat::Markdown | PlanFormat::Text => rollgate_render::markdown(
            &plan,
            rollgate_render::Options {
                explain: args.explain,
            },
        ),
        PlanFormat::Json => rollgate_render::json(&plan),
        PlanFormat::Ics => rollgate_render::ics(&plan),
        PlanFormat::Mermaid => rollgate_render::mermaid(&plan),
        PlanFormat::Html => rollgate_render::html(&plan),
    };
    match &args.output {
        Some(path) => {
            if path.is_dir() {
                bail!("-o {}: is a directory", path.display());
            }
            std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().lock().write_all(out.as_bytes())?,
    }
    Ok(Outcome::Ok)
}
