//! Word lists that are not products: where teams work and what roles they
//! have.

use crate::KnowledgeError;
use serde::Deserialize;

/// The words that point at one IANA time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneWords {
    pub iana: String,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub exact: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TimeZoneBook {
    zones: Vec<ZoneWords>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneFile {
    #[serde(default)]
    zone: Vec<ZoneWords>,
}

impl TimeZoneBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: ZoneFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        Ok(Self { zones: file.zone })
    }

    pub fn zones(&self) -> &[ZoneWords] {
        &self.zones
    }

    pub fn merge(&mut self, other: TimeZoneBook) {
        for z in other.zones {
            match self.zones.iter_mut().find(|x| x.iana == z.iana) {
                Some(existing) => *existing = z,
                None => self.zones.push(z),
            }
        }
    }
}

/// A team role and the phrases that name it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub phrases: Vec<String>,
    /// What the role is paged for (database, application, client…).
    #[serde(default)]
    pub owns: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RoleBook {
    roles: Vec<Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    #[serde(default)]
    role: Vec<Role>,
}

impl RoleBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: RoleFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        Ok(Self { roles: file.role })
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn get(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn merge(&mut self, other: RoleBook) {
        for r in other.roles {
            match self.roles.iter_mut().find(|x| x.id == r.id) {
                Some(existing) => *existing = r,
                None => self.roles.push(r),
            }
        }
    }
}
