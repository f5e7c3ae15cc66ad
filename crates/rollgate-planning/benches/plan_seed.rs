//! `cargo bench -p rollgate-planning`: plans the bundled seed example end to
//! end (intake + planning) and reports the median time per plan. Target:
//! well under 5 ms.

use std::time::{Duration, Instant};

fn main() {
    let k = rollgate_knowledge::Knowledge::builtin().expect("builtin knowledge");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/pg14-ec2-to-pg16-rds.txt"
    );
    let text = std::fs::read(path).expect("seed example");
    let start = jiff::civil::date(2026, 4, 27);
    let run = || {
        let facts =
            rollgate_intake::read_bytes("seed", &text, None, &k, start).expect("seed reads");
        let plan = rollgate_planning::plan(&facts, &k, rollgate_planning::Mode::Auto);
        std::hint::black_box(plan);
    };
    for _ in 0..20 {
        run();
    }
    let mut samples: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .collect();
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    println!(
        "plan_seed (intake + plan): median {:.3} ms, p95 {:.3} ms over {} runs",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        samples.len()
    );
    let facts = rollgate_intake::read_bytes("seed", &text, None, &k, start).expect("seed reads");
    let mut plan_only: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(rollgate_planning::plan(
                &facts,
                &k,
                rollgate_planning::Mode::Auto,
            ));
            t.elapsed()
        })
        .collect();
    plan_only.sort();
    println!(
        "plan_seed (plan only): median {:.3} ms",
        plan_only[plan_only.len() / 2].as_secs_f64() * 1e3
    );
}
