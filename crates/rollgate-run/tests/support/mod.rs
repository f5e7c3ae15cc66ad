//! Scripted stand-ins for the world: a clock the test moves, metric
//! sources whose next values the test sets, a switch that remembers every
//! change, a notifier that keeps every message.
#![allow(dead_code)]

use jiff::civil::date;
use jiff::{Timestamp, ToSpan};
use rollgate_run::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::LazyLock;

pub static K: LazyLock<rollgate_knowledge::Knowledge> =
    LazyLock::new(|| rollgate_knowledge::Knowledge::builtin().unwrap());

/// The plan rollgate makes for a bundled example, as JSON.
pub fn plan_json(example: &str) -> String {
    let path = format!("{}/../../examples/{example}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let form = rollgate_intake::InputForm::from_extension(example);
    let facts = rollgate_intake::read_bytes(example, &bytes, form, &K, date(2026, 4, 27)).unwrap();
    let (plan, _) = rollgate_planning::plan_checked(&facts, &K, rollgate_planning::Mode::Auto);
    serde_json::to_string(&plan).unwrap()
}

pub struct TestClock(pub Cell<Timestamp>);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        self.0.get()
    }
}

impl TestClock {
    pub fn at(s: &str) -> Self {
        Self(Cell::new(s.parse().unwrap()))
    }
    pub fn set(&self, t: Timestamp) {
        self.0.set(t)
    }
    pub fn forward(&self, seconds: i64) {
        self.0
            .set(self.0.get().checked_add(seconds.seconds()).unwrap())
    }
}

/// Values per metric id; a missing id reads as "no data".
#[derive(Clone, Default)]
pub struct Values(pub Rc<RefCell<BTreeMap<String, Option<f64>>>>);

impl Values {
    pub fn set(&self, metric: &str, v: Option<f64>) {
        self.0.borrow_mut().insert(metric.to_string(), v);
    }
}

struct Scripted {
    metric: String,
    values: Values,
}

impl Measure for Scripted {
    fn describe(&self) -> String {
        format!("scripted {}", self.metric)
    }
    fn sample(&self) -> (Option<f64>, String) {
        match self.values.0.borrow().get(&self.metric) {
            Some(v) => (*v, String::new()),
            None => (None, "no value scripted".into()),
        }
    }
}

/// A switch that records every change it is asked for.
#[derive(Clone, Default)]
pub struct Switch {
    pub now: Rc<RefCell<Option<SwitchTarget>>>,
    pub applied: Rc<RefCell<Vec<SwitchTarget>>>,
    /// When set, changes are accepted but not carried out.
    pub broken: Rc<Cell<bool>>,
}

impl SwitchTool for Switch {
    fn describe(&self) -> String {
        "test switch".into()
    }
    fn apply(&self, t: &SwitchTarget) -> Result<(), String> {
        self.applied.borrow_mut().push(t.clone());
        if !self.broken.get() {
            *self.now.borrow_mut() = Some(t.clone());
        }
        Ok(())
    }
    fn read_back(&self) -> Result<Option<SwitchTarget>, String> {
        Ok(self.now.borrow().clone())
    }
}

#[derive(Clone, Default)]
pub struct Inbox(pub Rc<RefCell<Vec<String>>>);

impl Notify for Inbox {
    fn send(&self, text: &str) -> Result<(), String> {
        self.0.borrow_mut().push(text.to_string());
        Ok(())
    }
}

pub struct World {
    pub values: Values,
    pub switch: Switch,
    pub inbox: Inbox,
    pub bound: Vec<String>,
    pub auto_abort: bool,
    pub judging: Judging,
}

impl World {
    pub fn new(bound: &[&str]) -> Self {
        World {
            values: Values::default(),
            switch: Switch::default(),
            inbox: Inbox::default(),
            bound: bound.iter().map(|s| s.to_string()).collect(),
            auto_abort: true,
            judging: Judging {
                interval_seconds: 300,
                count: 3,
                failure_limit: 0,
                inconclusive_limit: 1,
                noise: 0.0,
                delay_seconds: 0,
            },
        }
    }

    pub fn wiring(&self) -> Wiring {
        let mut w = Wiring {
            switch: Some(Box::new(self.switch.clone())),
            notify: Some(Box::new(self.inbox.clone())),
            auto_abort: self.auto_abort,
            ..Default::default()
        };
        for m in &self.bound {
            w.metrics.insert(
                m.clone(),
                Bound {
                    source: Box::new(Scripted {
                        metric: m.clone(),
                        values: self.values.clone(),
                    }),
                    judging: self.judging.clone(),
                },
            );
        }
        w
    }
}

/// A value that meets `op threshold`.
pub fn good(op: &str, threshold: f64) -> f64 {
    match op {
        "<" => threshold - 1.0,
        ">" => threshold + 1.0,
        _ => threshold,
    }
}

/// A value that breaks it.
pub fn bad(op: &str, threshold: f64) -> f64 {
    match op {
        "<" | "<=" => threshold + 10.0,
        ">" | ">=" => threshold - 10.0,
        _ => threshold + 1.0,
    }
}
