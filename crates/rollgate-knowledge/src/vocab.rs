//! Word lists that are not products: where teams work and what roles they
//! have.

use crate::KnowledgeError;
use serde::Deserialize;

/// The words that point at one IANA time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneWords {
    pub iana: String,
    /// ISO 3166 code of the country whose public holidays apply there.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub exact: Vec<String>,
    /// The country's adjective ("german"), read only beside a word for a
    /// company or an entity ("a German company").
    #[serde(default)]
    pub adjectives: Vec<String>,
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

    /// The country of an IANA zone, when the book knows it.
    pub fn country_of(&self, iana: &str) -> Option<&str> {
        self.zones
            .iter()
            .find(|z| z.iana == iana)
            .and_then(|z| z.country.as_deref())
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

/// How a holiday's date is found each year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRule {
    pub name: String,
    /// fixed | nth-weekday | last-weekday | weekday-on-or-before | easter |
    /// equinox | first-monday-or-friday-first
    pub rule: String,
    #[serde(default)]
    pub month: Option<i8>,
    #[serde(default)]
    pub day: Option<i8>,
    #[serde(default)]
    pub weekday: Option<String>,
    #[serde(default)]
    pub nth: Option<i8>,
    #[serde(default)]
    pub offset: Option<i32>,
    /// none | nearest-weekday | substitute | sunday-to-monday | sunday-to-saturday
    #[serde(default)]
    pub observed: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryHolidays {
    pub code: String,
    pub name: String,
    pub holidays: Vec<HolidayRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    #[serde(default)]
    country: Vec<CountryHolidays>,
}

/// Public-holiday rules per country.
#[derive(Debug, Clone, Default)]
pub struct HolidayBook {
    countries: Vec<CountryHolidays>,
}

impl HolidayBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: HolidayFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for c in &file.country {
            for h in &c.holidays {
                let ok = match h.rule.as_str() {
                    "fixed" => h.month.is_some() && h.day.is_some(),
                    "nth-weekday" => h.month.is_some() && h.weekday.is_some() && h.nth.is_some(),
                    "last-weekday" => h.month.is_some() && h.weekday.is_some(),
                    "weekday-on-or-before" => {
                        h.month.is_some() && h.day.is_some() && h.weekday.is_some()
                    }
                    "easter" => h.offset.is_some(),
                    "equinox" => matches!(h.month, Some(3) | Some(9)),
                    "first-monday-or-friday-first" => h.month.is_some(),
                    _ => false,
                };
                if !ok {
                    return Err(KnowledgeError::InvalidEntry {
                        origin: origin.to_string(),
                        id: format!("{}: {}", c.code, h.name),
                        message: format!("rule `{}` is unknown or misses a field", h.rule),
                    });
                }
            }
        }
        Ok(Self {
            countries: file.country,
        })
    }

    pub fn country(&self, code: &str) -> Option<&CountryHolidays> {
        self.countries
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }

    pub fn countries(&self) -> &[CountryHolidays] {
        &self.countries
    }

    pub fn merge(&mut self, other: HolidayBook) {
        for c in other.countries {
            match self.countries.iter_mut().find(|x| x.code == c.code) {
                Some(existing) => *existing = c,
                None => self.countries.push(c),
            }
        }
    }
}
