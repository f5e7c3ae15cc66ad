//! The technology catalog: products, their kinds, aliases and how managed
//! services relate to the engines they run.

use crate::KnowledgeError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// What a technology is. The planner picks a migration family from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TechKind {
    RelationalDatabase,
    DocumentDatabase,
    WideColumnStore,
    KeyValueStore,
    ManagedDatabase,
    Cache,
    ManagedCache,
    Queue,
    JobQueue,
    Stream,
    SearchEngine,
    SearchSaas,
    Warehouse,
    Cdc,
    ReplicationTool,
    Proxy,
    /// An API gateway in front of services (Kong, Apigee): routes, and
    /// often validates tokens, so it matters to auth and extraction plans.
    ApiGateway,
    /// A content management system that calls the site back (webhooks).
    Cms,
    /// An end-to-end or unit test suite the team runs in CI.
    TestRunner,
    /// A CRM with its own login and data sync (Salesforce, HubSpot).
    Crm,
    WebFramework,
    Runtime,
    AuthSaas,
    EmailSaas,
    PaymentSaas,
    SmsSaas,
    AnalyticsSaas,
    FeatureFlags,
    Deploy,
    ProgressiveDelivery,
    ServiceMesh,
    Orchestrator,
    Platform,
    Cloud,
    Compute,
    Monitoring,
    Paging,
    StatusPage,
    BackupTool,
}

impl TechKind {
    /// Kinds that hold data a migration must carry across.
    pub fn is_datastore(self) -> bool {
        matches!(
            self,
            Self::RelationalDatabase
                | Self::DocumentDatabase
                | Self::WideColumnStore
                | Self::KeyValueStore
                | Self::ManagedDatabase
                | Self::Cache
                | Self::ManagedCache
                | Self::Queue
                | Self::Stream
                | Self::SearchEngine
                | Self::Warehouse
        )
    }

    /// Kinds that describe where something runs rather than what it is.
    pub fn is_hosting(self) -> bool {
        matches!(
            self,
            Self::ManagedDatabase
                | Self::ManagedCache
                | Self::Cloud
                | Self::Compute
                | Self::Platform
                | Self::Orchestrator
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RelationalDatabase => "relational-database",
            Self::DocumentDatabase => "document-database",
            Self::WideColumnStore => "wide-column-store",
            Self::KeyValueStore => "key-value-store",
            Self::ManagedDatabase => "managed-database",
            Self::Cache => "cache",
            Self::ManagedCache => "managed-cache",
            Self::Queue => "queue",
            Self::JobQueue => "job-queue",
            Self::Stream => "stream",
            Self::SearchEngine => "search-engine",
            Self::SearchSaas => "search-saas",
            Self::Warehouse => "warehouse",
            Self::Cdc => "cdc",
            Self::ReplicationTool => "replication-tool",
            Self::Proxy => "proxy",
            Self::ApiGateway => "api-gateway",
            Self::Cms => "cms",
            Self::TestRunner => "test-runner",
            Self::Crm => "crm",
            Self::WebFramework => "web-framework",
            Self::Runtime => "runtime",
            Self::AuthSaas => "auth-saas",
            Self::EmailSaas => "email-saas",
            Self::PaymentSaas => "payment-saas",
            Self::SmsSaas => "sms-saas",
            Self::AnalyticsSaas => "analytics-saas",
            Self::FeatureFlags => "feature-flags",
            Self::Deploy => "deploy",
            Self::ProgressiveDelivery => "progressive-delivery",
            Self::ServiceMesh => "service-mesh",
            Self::Orchestrator => "orchestrator",
            Self::Platform => "platform",
            Self::Cloud => "cloud",
            Self::Compute => "compute",
            Self::Monitoring => "monitoring",
            Self::Paging => "paging",
            Self::StatusPage => "status-page",
            Self::BackupTool => "backup-tool",
        }
    }
}

/// One product in the catalog.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Technology {
    /// Stable kebab-case id; plans and rules refer to technologies by it.
    pub id: String,
    /// The name printed in plans.
    pub name: String,
    pub kind: TechKind,
    /// Catalog id of the cloud that sells it, if any.
    #[serde(default)]
    pub provider: Option<String>,
    /// The one engine a managed service runs (Aurora PostgreSQL → postgresql).
    #[serde(default)]
    pub engine: Option<String>,
    /// The engines a multi-engine service can run (RDS → postgresql, mysql…).
    #[serde(default)]
    pub engines: Vec<String>,
    /// The engine whose standard distribution includes this tool (pg_dump
    /// ships with PostgreSQL): naming the engine names the tool.
    #[serde(default)]
    pub ships_with: Option<String>,
    /// Matched case-insensitively on word boundaries.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Matched only with the case written here.
    #[serde(default)]
    pub exact_aliases: Vec<String>,
    /// Matched case-insensitively, but only when a version number follows
    /// ("Node 20", "Go 1.22"): the bare word is too common to mean the product.
    #[serde(default)]
    pub versioned_aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    technology: Vec<Technology>,
}

/// All known technologies, by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    technologies: Vec<Technology>,
    by_id: BTreeMap<String, usize>,
}

impl Catalog {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: CatalogFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut catalog = Catalog::default();
        for tech in file.technology {
            validate(&tech, origin)?;
            if catalog.by_id.contains_key(&tech.id) {
                return Err(KnowledgeError::InvalidEntry {
                    origin: origin.to_string(),
                    id: tech.id,
                    message: "listed twice".into(),
                });
            }
            catalog.insert(tech);
        }
        Ok(catalog)
    }

    fn insert(&mut self, tech: Technology) {
        if let Some(&i) = self.by_id.get(&tech.id) {
            self.technologies[i] = tech;
        } else {
            self.by_id.insert(tech.id.clone(), self.technologies.len());
            self.technologies.push(tech);
        }
    }

    /// Adds or replaces entries from another catalog.
    pub fn merge(&mut self, other: Catalog) {
        for tech in other.technologies {
            self.insert(tech);
        }
    }

    pub fn technologies(&self) -> &[Technology] {
        &self.technologies
    }

    pub fn get(&self, id: &str) -> Option<&Technology> {
        self.by_id.get(id).map(|&i| &self.technologies[i])
    }

    /// The engine a technology stands for: itself for an engine, the engine
    /// it runs for a single-engine managed service.
    pub fn engine_of<'a>(&'a self, tech: &'a Technology) -> &'a Technology {
        tech.engine
            .as_deref()
            .and_then(|e| self.get(e))
            .unwrap_or(tech)
    }
}

fn validate(tech: &Technology, origin: &str) -> Result<(), KnowledgeError> {
    let bad = |message: &str| KnowledgeError::InvalidEntry {
        origin: origin.to_string(),
        id: tech.id.clone(),
        message: message.to_string(),
    };
    if tech.id.is_empty()
        || !tech
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad("id must be kebab-case ascii"));
    }
    if tech.aliases.is_empty() && tech.exact_aliases.is_empty() && tech.versioned_aliases.is_empty()
    {
        return Err(bad("needs at least one alias"));
    }
    if tech
        .aliases
        .iter()
        .chain(&tech.versioned_aliases)
        .any(|a| a.trim().is_empty() || a.to_lowercase() != *a)
    {
        return Err(bad(
            "aliases must be lower case and non-empty (use exact_aliases for case-sensitive names)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_between_entries_resolve() {
        let k = crate::Knowledge::builtin().unwrap();
        for t in k.catalog.technologies() {
            for e in t
                .engine
                .iter()
                .chain(&t.engines)
                .chain(&t.provider)
                .chain(&t.ships_with)
            {
                assert!(
                    k.catalog.get(e).is_some(),
                    "{} refers to unknown {}",
                    t.id,
                    e
                );
            }
        }
    }

    #[test]
    fn no_alias_is_claimed_by_two_technologies() {
        let k = crate::Knowledge::builtin().unwrap();
        let mut seen = BTreeMap::new();
        for t in k.catalog.technologies() {
            for a in t.aliases.iter().chain(&t.versioned_aliases) {
                if let Some(other) = seen.insert(a.clone(), t.id.clone()) {
                    panic!("alias {a} claimed by {other} and {}", t.id);
                }
            }
        }
    }

    #[test]
    fn invalid_entries_are_rejected() {
        let err = Catalog::from_toml(
            "[[technology]]\nid = \"Bad Id\"\nname = \"x\"\nkind = \"cache\"\naliases = [\"x\"]\n",
            "t",
        )
        .unwrap_err();
        assert!(err.to_string().contains("kebab-case"));
        let err = Catalog::from_toml(
            "[[technology]]\nid = \"x\"\nname = \"x\"\nkind = \"toaster\"\naliases = [\"x\"]\n",
            "t",
        )
        .unwrap_err();
        assert!(err.to_string().contains("toaster"));
    }
}
