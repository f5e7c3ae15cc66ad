//! `rollgate init`: a commented spec template, optionally filled in by
//! asking the tagged form's questions one at a time.

use crate::cli::InitArgs;
use crate::Outcome;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, IsTerminal, Write};

/// One question per section, in the order of the tagged form.
struct Section {
    table: &'static str,
    tag: &'static str,
    question: &'static str,
    /// Commented example keys shown under the section.
    keys: &'static str,
}

const SECTIONS: &[Section] = &[
    Section {
        table: "migration",
        tag: "migration-type",
        question: "What are you migrating, from what to what?",
        keys: "# family = \"database\"   # database | datastore | framework | service | monolith-split",
    },
    Section {
        table: "source",
        tag: "from-state",
        question: "Describe the system today: technology, version, where it runs, size.",
        keys: "# technology = \"postgresql\"   # a catalog id or name\n# version = \"14.7\"\n# hosting = \"aws-ec2\"          # or \"self-hosted\", \"on-prem\", \"aws-rds\"…\n# instance_class = \"r5.xlarge\"",
    },
    Section {
        table: "target",
        tag: "to-state",
        question: "Describe the system you are moving to, and why.",
        keys: "# technology = \"postgresql\"\n# version = \"16\"\n# hosting = \"aws-rds\"",
    },
    Section {
        table: "scale",
        tag: "scale",
        question: "How big and how busy? (data size, peak rates, consumers, customers)",
        keys: "# data_size = \"600 GB\"\n# peak_rates = [\"12000 queries/s\"]\n# consumers = 50\n# customers = 5000",
    },
    Section {
        table: "criticality",
        tag: "criticality",
        question: "How critical is it? What happens when it is down?",
        keys: "# level = \"critical\"   # low | medium | high | critical",
    },
    Section {
        table: "rollback",
        tag: "rollback-acceptable-delay",
        question: "How fast must a rollback be? (minutes, an hour, half a day…)",
        keys: "# acceptable_delay = \"15 minutes\"",
    },
    Section {
        table: "capabilities",
        tag: "existing-dual-run-capability",
        question: "What can you do today? (feature flags, read routing, dual-write, canary, blue-green)",
        keys: "# flag_provider = \"launchdarkly\"   # or \"none\"\n# read_routing = \"env var per service\"   # or true / false\n# dual_write = false\n# canary_tooling = \"none\"\n# blue_green = false\n# config_without_deploy = true",
    },
    Section {
        table: "team",
        tag: "team-availability",
        question: "Who is on the team, and where do they work?",
        keys: "# size = 5\n# roles = [{ role = \"backend-engineer\", count = 4 }, { role = \"dba\", count = 1, contractor = true }]\n# time_zones = [\"America/Los_Angeles\"]",
    },
    Section {
        table: "experience",
        tag: "prior-migration-experience",
        question: "What migrations has the team done before, and how did they go?",
        keys: "# prior_migrations = 1",
    },
    Section {
        table: "constraints",
        tag: "constraints",
        question: "Deadlines, preferred length, budgeted tools, freezes, holidays?",
        keys: "# deadline = \"2026-07-01\"          # or \"by Q3 2026\"\n# preferred_duration = \"3 months\"\n# max_duration = \"5 months\"\n# budgeted_tools = [\"aws-dms\", \"pglogical\"]\n# freeze_windows = [{ name = \"year end\", from = \"2026-12-15\", to = \"2027-01-05\" }, { rule = \"last 2 business days of every month\" }]\n# holidays = [\"2026-05-25\"]\n# holiday_countries = [\"US\"]",
    },
];

const INTEGRATIONS_QUESTION: &str =
    "What connects to it? (services, webhooks, replicas, CDC, pipelines), separated by commas";

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The spec text for the given answers (empty answers leave comments only).
pub fn template(answers: &[Option<String>], integrations: &[String]) -> String {
    let mut out = String::from(
        "# rollgate migration spec. Every section takes structured keys (shown\n# commented out) and a free-text `description` that rollgate reads like the\n# tagged form. Structured keys win over what the description says.\n# Check what rollgate understood with: rollgate check <this file>\n\n# title = \"Postgres 14 on EC2 to Postgres 16 on RDS\"\n",
    );
    for (i, s) in SECTIONS.iter().enumerate() {
        out.push_str(&format!(
            "\n[{}]   # the tagged form's <{}>\n",
            s.table, s.tag
        ));
        out.push_str(&format!("# {}\n", s.question));
        match answers.get(i).and_then(|a| a.as_deref()) {
            Some(a) => out.push_str(&format!("description = {}\n", toml_string(a))),
            None => out.push_str("# description = \"\"\n"),
        }
        out.push_str(s.keys);
        out.push('\n');
    }
    out.push_str("\n# One [[integrations]] per system upstream or downstream (<integration-points>).\n# kind: service-consumers | webhook | read-replica | analytics-pipeline | cdc | etl |\n#       cache | queue | search | payment | email | sms | auth | mobile-app |\n#       partner-api | batch-job | other\n");
    if integrations.is_empty() {
        out.push_str("# [[integrations]]\n# name = \"Stripe webhook handler\"\n# kind = \"webhook\"\n# technology = \"stripe\"\n# description = \"\"\n");
    }
    for name in integrations {
        out.push_str(&format!(
            "\n[[integrations]]\nname = {}\ndescription = {}\n",
            toml_string(name),
            toml_string(name)
        ));
    }
    out
}

fn ask(input: &mut dyn BufRead, prompt: &mut dyn Write, question: &str) -> Result<Option<String>> {
    write!(prompt, "{question}\n> ")?;
    prompt.flush()?;
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let answer = line.trim();
    Ok((!answer.is_empty()).then(|| answer.to_string()))
}

pub fn run(args: InitArgs) -> Result<Outcome> {
    let to_stdout = args.file == "-";
    if !to_stdout && std::path::Path::new(&args.file).exists() && !args.force {
        bail!("{} exists; pass --force to overwrite it", args.file);
    }
    let interactive =
        args.interactive || (!args.no_input && std::io::stdin().is_terminal() && !to_stdout);
    let mut answers = Vec::new();
    let mut integrations = Vec::new();
    if interactive {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let mut prompt = std::io::stderr();
        writeln!(
            prompt,
            "Answer in your own words; press Enter to skip a question.\n"
        )?;
        for s in SECTIONS {
            answers.push(ask(&mut input, &mut prompt, s.question)?);
        }
        if let Some(list) = ask(&mut input, &mut prompt, INTEGRATIONS_QUESTION)? {
            integrations = list
                .split([',', ';'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    let text = template(&answers, &integrations);
    if to_stdout {
        print!("{text}");
    } else {
        std::fs::write(&args.file, text).with_context(|| format!("writing {}", args.file))?;
        eprintln!(
            "wrote {}; check it with: rollgate check {}",
            args.file, args.file
        );
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_empty_spec() {
        let text = template(&[], &[]);
        let spec: rollgate_intake::Spec = toml::from_str(&text).unwrap();
        assert!(spec.source.is_some());
        assert!(spec.source.unwrap().technology.is_none());
    }

    #[test]
    fn answers_are_escaped_into_descriptions() {
        let mut answers = vec![None; SECTIONS.len()];
        answers[1] = Some("Postgres \"14\" on EC2 \\ with quotes".to_string());
        let text = template(&answers, &["Stripe webhooks".into()]);
        let spec: rollgate_intake::Spec = toml::from_str(&text).unwrap();
        assert_eq!(
            spec.source.unwrap().description.as_deref(),
            Some("Postgres \"14\" on EC2 \\ with quotes")
        );
        assert_eq!(
            spec.integrations[0].name.as_deref(),
            Some("Stripe webhooks")
        );
    }
}
