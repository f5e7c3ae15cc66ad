//! Commands fit the engine of the side they act on, and a rule that says
//! the same for several integrations says it once.

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode, Plan};

fn plan_text(text: &str) -> Plan {
    let k = Knowledge::builtin().unwrap();
    let facts = read_bytes("t.txt", text.as_bytes(), None, &k, date(2027, 2, 1)).unwrap();
    plan(&facts, &k, Mode::Auto)
}

fn commands(p: &Plan) -> Vec<String> {
    let v = serde_json::to_value(p).unwrap();
    let mut out = Vec::new();
    collect(&v, &mut out);
    out
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == "command" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                }
                collect(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

const MONGO: &str = "<migration-type>move our shipment database from MongoDB 4.4 to PostgreSQL 16</migration-type>\
<from-state>MongoDB 4.4 replica set on our own VMs, 300 GB</from-state>\
<to-state>PostgreSQL 16 on Cloud SQL</to-state>\
<criticality>high</criticality>\
<rollback-acceptable-delay>1 hour</rollback-acceptable-delay>\
<integration-points>the driver API service, the tracking worker service, the reporting service, all reading and writing the database</integration-points>";

#[test]
fn no_postgresql_tool_runs_against_a_mongodb_source() {
    let p = plan_text(MONGO);
    for c in commands(&p) {
        let pg_tool = ["psql", "pg_dump", "pg_restore", "vacuumdb"]
            .iter()
            .any(|t| c.contains(t));
        assert!(
            !(pg_tool && c.contains("$SOURCE_URL")),
            "a PostgreSQL tool against MongoDB: {c}"
        );
    }
}

#[test]
fn a_postgresql_source_keeps_its_postgresql_commands() {
    let p = plan_text(&MONGO.replace("MongoDB 4.4", "PostgreSQL 12"));
    assert!(
        commands(&p)
            .iter()
            .any(|c| c.contains("psql \"$SOURCE_URL\"")),
        "the neighbour on PostgreSQL still gets psql against the source"
    );
}

#[test]
fn a_rule_that_does_not_name_the_integration_appears_once_for_several() {
    // A relational pair: the document-store move words its consumers in
    // its own playbook.
    let p = plan_text(&MONGO.replace("MongoDB 4.4", "MySQL 5.7"));
    let text = serde_json::to_string(&p).unwrap();
    assert_eq!(
        text.matches("Find every consumer of the database").count(),
        1,
        "three consumer services, one step"
    );
}

#[test]
fn a_document_store_moving_to_a_relational_database_is_remodelled_not_replicated() {
    let p = plan_text(MONGO);
    let text = serde_json::to_string(&p).unwrap();
    assert_eq!(p.strategy.id, "document-to-relational");
    for word in [
        "sequences ahead",
        "move every sequence",
        "replication slot",
        "pg_restore",
        "reverse replication",
    ] {
        assert!(
            !text.contains(word),
            "database-template word {word:?} in a remodelling plan"
        );
    }
    for rule in [
        "docstore-shapes-per-collection",
        "mongo-oplog-covers-backfill",
    ] {
        assert!(text.contains(rule), "{rule} did not fire");
    }
    assert!(commands(&p)
        .iter()
        .any(|c| c.contains("mongosh \"$SOURCE_URL\"")));
    // After writes move, the way back drains the reverse feed before the
    // switch sends writes to the document store again.
    let cutover = p
        .phases
        .iter()
        .find(|ph| ph.data_diverges)
        .expect("a write cutover");
    let steps: Vec<&str> = cutover
        .rollback
        .steps
        .iter()
        .map(|s| s.description.as_str())
        .collect();
    let drain = steps
        .iter()
        .position(|s| s.contains("drain"))
        .expect("a drain step");
    let flip = steps
        .iter()
        .position(|s| s.contains("`documents`"))
        .expect("a flip step");
    assert!(drain < flip, "{steps:#?}");
    // The neighbour between two relational engines keeps the replication
    // template, and a MongoDB upgrade is not remodelled.
    let mysql = plan_text(&MONGO.replace("MongoDB 4.4", "MySQL 5.7"));
    assert_ne!(mysql.strategy.id, "document-to-relational");
    let upgrade = plan_text(&MONGO.replace("PostgreSQL 16", "MongoDB 7.0"));
    assert_ne!(upgrade.strategy.id, "document-to-relational");
}
