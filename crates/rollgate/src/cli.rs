//! Flag definitions. Help text and examples live here, next to the flags
//! they describe.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "rollgate",
    version,
    about = "Designs staged rollouts for risky migrations: phases, gates, rollbacks, kill switch, timeline.",
    long_about = None,
    after_help = "Examples:\n  rollgate check examples/pg14-ec2-to-pg16-rds.txt --start 2026-04-27\n  rollgate plan examples/pg14-ec2-to-pg16-rds.txt --format json\n  rollgate init migration.toml\n  rollgate run start plan.json && rollgate run status\n  rollgate schema spec > spec.schema.json\n\nExit codes: 0 ok, 1 a finding you asked to fail on (--strict), 2 an error in the input or environment."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every fact rollgate understood from a spec, with its source, and
    /// the text it could not interpret.
    #[command(
        after_help = "Examples:\n  rollgate check examples/pg14-ec2-to-pg16-rds.txt --start 2026-04-27\n  rollgate check migration.toml --format json\n  cat spec.yaml | rollgate check -\n  rollgate check migration.toml --strict   # exit 1 if anything was not understood"
    )]
    Check(CheckArgs),
    /// Produce the rollout plan for a migration spec.
    #[command(
        after_help = "Examples:\n  rollgate plan examples/pg14-ec2-to-pg16-rds.txt --start 2026-04-27\n  rollgate plan migration.toml --format json -o plan.json\n  rollgate plan migration.toml --format ics -o rollout.ics\n  rollgate plan migration.toml --format html -o plan.html"
    )]
    Plan(PlanArgs),
    /// Write a commented spec template; on a terminal, ask the questions one
    /// by one and fill in the answers.
    #[command(
        after_help = "Examples:\n  rollgate init                 # writes rollgate.toml\n  rollgate init migration.toml --no-input\n  rollgate init - --no-input    # template to stdout"
    )]
    Init(InitArgs),
    /// Run the local web app: a form, a live facts panel, plans and their
    /// history (kept in SQLite).
    #[command(
        after_help = "Examples:\n  rollgate serve\n  rollgate serve --addr 127.0.0.1:8080 --db ./plans.sqlite\n  rollgate serve --addr 0.0.0.0:7878 --allow-host plans.example.com   # behind a reverse proxy"
    )]
    Serve(ServeArgs),
    /// Prove two databases hold the same data (a gate: exit 0 equal, 1 differ, 2 error).
    Verify(Box<VerifyCmd>),
    /// Execute a plan: gates on live metrics, approvals, change windows, and
    /// a kill switch that flips itself; every step in an append-only log.
    #[command(subcommand)]
    Run(RunCommand),
    /// Print a JSON Schema.
    #[command(after_help = "Examples:\n  rollgate schema spec > rollgate-spec.schema.json")]
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// The spec: a .toml, .yaml/.yml or .json file, the tagged-text form
    /// (.txt or anything else), or `-` to read stdin (the form is sniffed).
    pub input: String,
    /// The plan's start date (YYYY-MM-DD); relative dates such as "in 8
    /// weeks" are resolved against it. Default: next Monday.
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// A directory of extra knowledge packs (technologies*.toml,
    /// timezones*.toml, roles*.toml) that add to or override the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub knowledge: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FactsFormat {
    Text,
    Json,
}

/// How `check` writes the facts: for people, or as a facts document
/// (TOML, YAML or JSON) that `plan` and `check` read back unchanged.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
    Toml,
    Yaml,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// text for reading; json, toml or yaml write a facts document that
    /// `rollgate plan` takes as input and plans exactly as the original.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Exit 1 when any warning or uninterpreted text remains.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum PlanFormat {
    Markdown,
    Text,
    Json,
    /// An iCalendar file: one event per transition and per gate review.
    Ics,
    /// A Mermaid Gantt chart of the phases.
    Mermaid,
    /// One self-contained HTML page (no external assets; prints to PDF).
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Mode {
    Database,
    Framework,
    Service,
    CriticalPath,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    pub format: PlanFormat,
    /// Override the planning mode detected from the facts.
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Write the output to a file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Under each recommendation, show the rule id and the input facts that
    /// produced it (JSON always carries them as `because`).
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the spec (`-` for stdout).
    #[arg(default_value = "rollgate.toml")]
    pub file: String,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Never ask questions; write the commented template.
    #[arg(long, conflicts_with = "interactive")]
    pub no_input: bool,
    /// Ask the questions even when stdin is not a terminal (for scripts).
    #[arg(long)]
    pub interactive: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SchemaKind {
    /// The migration spec (TOML, YAML and JSON share it).
    Spec,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: std::net::SocketAddr,
    /// The SQLite file for plan history (default: in your data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub knowledge: Option<PathBuf>,
    /// Also answer requests for this Host name (repeatable), e.g. behind a
    /// reverse proxy. The address listened on and localhost, 127.0.0.1 and
    /// [::1] with its port are always accepted; any other Host gets 421.
    /// NAME matches with any port; NAME:PORT only with that port.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// The rollout store `rollgate run` uses (a SQLite file or a
    /// PostgreSQL URL): its rollouts are shown live under /rollouts.
    #[arg(
        long,
        value_name = "PATH|URL",
        default_value = "rollgate-runs.db",
        env = "ROLLGATE_STORE"
    )]
    pub runs: String,
}

/// `rollgate verify --source … --target …` (the engines come from the
/// URLs: mysql:// or mariadb:// on either side compares across engines),
/// or `rollgate verify postgres …`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  rollgate verify --source \"$SOURCE_URL\" --target \"$TARGET_URL\"\n  rollgate verify --source mysql://app@db1/shop --target postgresql://app@db2/shop --schema public\n  rollgate verify --source mariadb://app@db1/shop --target postgresql://app@db2/shop --format json\n\nMySQL/MariaDB ↔ PostgreSQL (either way round): tables and columns matched by name, types by a compatibility table, rows hashed in each server from a canonical text. Exit codes: 0 equal, 1 different, 2 error. Passwords in connection strings are never printed."
)]
pub struct VerifyCmd {
    #[command(subcommand)]
    pub engine: Option<VerifyCommand>,
    #[command(flatten)]
    pub args: Option<VerifyArgs>,
}

#[derive(Debug, Subcommand)]
pub enum VerifyCommand {
    /// Compare two PostgreSQL databases: schema, row counts, contents by
    /// primary-key range, sequences, foreign keys. Read-only sessions; at
    /// most --jobs queries at a time on each server.
    #[command(
        after_help = "Examples:\n  rollgate verify postgres --source \"$SOURCE_URL\" --target \"$TARGET_URL\"\n  rollgate verify postgres --source \"$SOURCE_URL\" --target \"$TARGET_URL\" --tables 'public.order%' --format json\n  rollgate verify postgres --source … --target … --recheck-after 30   # while replication runs\n  rollgate verify postgres --source … --target … --estimate          # counts from statistics: a first look, not proof\n  rollgate verify postgres --source … --target … --jobs 4 --rate-limit 50\n\nExit codes: 0 equal, 1 different, 2 error. Passwords in connection strings are never printed."
    )]
    Postgres(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Connection string of the source (URL or key=value).
    #[arg(long)]
    pub source: String,
    /// Connection string of the target.
    #[arg(long)]
    pub target: String,
    /// Only tables whose schema.table matches this LIKE pattern (across
    /// engines: the table name).
    #[arg(long, value_name = "PATTERN")]
    pub tables: Option<String>,
    /// Across engines: the PostgreSQL schema that holds the MySQL
    /// database's tables (default public).
    #[arg(long, value_name = "NAME")]
    pub schema: Option<String>,
    #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
    pub format: FactsFormat,
    /// Row counts from the planner's statistics and no content comparison:
    /// a fast first look, not proof of parity.
    #[arg(long)]
    pub estimate: bool,
    /// Re-check the ranges that differed after this many seconds, so that
    /// replication lag is not reported as divergence.
    #[arg(long, value_name = "SECONDS")]
    pub recheck_after: Option<u64>,
    /// Statement timeout for every query, in milliseconds.
    #[arg(long, default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub statement_timeout_ms: u64,
    /// Rows per range when a table has no key statistics to cut it by.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(i64).range(2..))]
    pub chunk_rows: i64,
    /// Ranges of at most this many rows are compared row by row.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(i64).range(1..))]
    pub leaf_rows: i64,
    /// At most this many differing keys are listed per table and kind.
    #[arg(long, default_value_t = 20)]
    pub sample: usize,
    /// Tables keyed by one integer column are hashed in at most this many
    /// cells of consecutive keys per grouped statement: more cells read
    /// back fewer rows per difference and hold more memory (about 100
    /// bytes per cell and server).
    #[arg(long, default_value_t = 65_536, value_parser = clap::value_parser!(i64).range(2..=4_194_304))]
    pub cells: i64,
    /// Expect equal tables: hash each integer-keyed table whole first (one
    /// plain scan settles an equal table) and group it in cells only when
    /// it differs, which then costs both scans.
    #[arg(long)]
    pub expect_equal: bool,
    /// At most this many queries at a time on each server (one connection
    /// per job and server).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub jobs: u64,
    /// At most this many queries per second on each server (0: no limit).
    #[arg(long, default_value_t = 0, value_name = "QPS")]
    pub rate_limit: u32,
}

/// Where rollouts are kept, and which one a command is about.
#[derive(Debug, Args)]
pub struct RunTarget {
    /// The rollout store: a SQLite file (created if missing), or a
    /// PostgreSQL URL (postgres://…) for a team operating one rollout
    /// together; put its password in PGPASSWORD or ~/.pgpass, not here.
    #[arg(
        long,
        value_name = "PATH|URL",
        default_value = "rollgate-runs.db",
        env = "ROLLGATE_STORE"
    )]
    pub store: String,
    /// The rollout (needed when the store holds more than one).
    #[arg(long, value_name = "ID")]
    pub rollout: Option<String>,
    /// The bindings file: metric sources, the switch tool, notifications.
    #[arg(long, value_name = "FILE", env = "ROLLGATE_BINDINGS")]
    pub bindings: Option<PathBuf>,
    /// Who is acting (recorded in the log). Default: $USER.
    #[arg(long = "as", value_name = "NAME")]
    pub actor: Option<String>,
    #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
    pub format: FactsFormat,
}

#[derive(Debug, Subcommand)]
pub enum RunCommand {
    /// Freeze a plan into a new rollout and enter its first phase.
    #[command(
        after_help = "Examples:\n  rollgate run start examples/redis-to-valkey-sessions.txt --start 2026-05-04\n  rollgate plan migration.toml --format json -o plan.json && rollgate run start plan.json --name valkey"
    )]
    Start {
        /// A migration spec (planned now) or a plan made with `rollgate plan --format json`.
        input: String,
        /// The plan's start date when INPUT is a spec (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        /// The rollout's id (default: from the title and the plan's hash).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        target: RunTarget,
    },
    /// List the rollouts in the store.
    List {
        #[command(flatten)]
        target: RunTarget,
    },
    /// The current phase, its gate (each check with its last value and
    /// verdict, the hold, approvals), the next transition and its window.
    Status {
        #[command(flatten)]
        target: RunTarget,
    },
    /// The audit trail, oldest first.
    Log {
        #[command(flatten)]
        target: RunTarget,
    },
    /// Move to the next phase when its gate, approvers and window allow it.
    Advance {
        /// Advance although the gate refuses (every refusal is recorded).
        #[arg(long = "override", requires = "reason")]
        override_gate: bool,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Approve the current phase's gate as one of its named approvers.
    Approve {
        /// The approver role (words from it, or its number in `run status`).
        #[arg(long)]
        role: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Record the result of a check no source is bound to.
    Confirm {
        /// The check id (from `run status`) or its metric id.
        check: String,
        /// The measured value, judged against the plan's threshold.
        #[arg(long)]
        value: Option<f64>,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Stop moving forward without touching the switch.
    Pause {
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Continue after a pause; after an abort, re-enter the phase.
    Resume {
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Flip the kill switch to the safe state for this phase and record the
    /// phase's rollback steps as tasks.
    Abort {
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Set the switch to one of the plan's states through the bound tool
    /// (the last step of a rollback procedure), recorded like any action.
    Flip {
        #[arg(long)]
        to: String,
        #[arg(long, default_value_t = 0)]
        percent: u32,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Settle what a crash left half-done: an action with no result is
    /// checked by reading the switch back (never repeated blindly), and a
    /// transition whose switch change had taken effect is completed.
    Reconcile {
        #[command(flatten)]
        target: RunTarget,
    },
    /// Evaluate gates and alerts on their intervals; abort or pause on a
    /// failure, pause and ask on missing data.
    Watch {
        /// One pass, then exit.
        #[arg(long)]
        once: bool,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Replay the whole rollout with a simulated clock and switch against a
    /// scripted history, to see what the runner would do.
    #[command(
        after_help = "Scenarios: pass, flapping, fail-at:<phase id or number>, source-down-at:<phase id or number>\n\nExamples:\n  rollgate run rehearse plan.json --bindings bindings.toml --scenario fail-at:ramp-25"
    )]
    Rehearse {
        input: String,
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        #[arg(long, default_value = "pass")]
        scenario: String,
        #[command(flatten)]
        target: RunTarget,
    },
    /// Bindings files.
    #[command(subcommand)]
    Bindings(BindingsCommand),
    /// Write the plan's monitoring table as a Prometheus alerting-rules
    /// file, each rule's expression the PromQL its metric is bound to.
    #[command(
        after_help = "Examples:\n  rollgate run export-rules plan.json --bindings bindings.toml -o rollgate-rules.yml\n  promtool check rules rollgate-rules.yml"
    )]
    ExportRules {
        input: String,
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        /// Where to write it (`-` for stdout).
        #[arg(short = 'o', long = "output", default_value = "-")]
        output: String,
        #[command(flatten)]
        target: RunTarget,
    },
}

#[derive(Debug, Subcommand)]
pub enum BindingsCommand {
    /// Write a bindings template with every metric the plan measures.
    Init {
        input: String,
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        /// Where to write it (`-` for stdout).
        #[arg(short = 'o', long = "output", default_value = "-")]
        output: String,
    },
}
