//! Secrets: read only from an env var or a file, held in a type that prints
//! `<redacted>`, and scrubbed out of any foreign error text before that
//! text reaches a note or an error.

use std::fmt;

/// A secret value. `Debug` and `Display` print `<redacted>`; only this
/// crate can see the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    /// Where it came from, for messages: `env ROLLGATE_TARGET_DB`.
    from: String,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Secret {
    pub(crate) fn new(value: String, from: String) -> Self {
        Self { value, from }
    }

    pub(crate) fn expose(&self) -> &str {
        &self.value
    }

    /// Where the secret came from, safe to print.
    pub fn from(&self) -> &str {
        &self.from
    }

    /// `text` with the secret, and the password inside it when the secret
    /// is a URL, replaced by `<redacted>`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for part in self.parts() {
            if part.len() >= 3 {
                out = out.replace(part, "<redacted>");
            }
        }
        out
    }

    /// The whole value, then the password of a `scheme://user:pass@host` URL
    /// and of a `password=…` key-value string.
    fn parts(&self) -> Vec<&str> {
        let mut parts = vec![self.value.as_str()];
        if let Some(p) = url_password(&self.value) {
            parts.push(p);
        }
        if let Some(p) = kv_password(&self.value) {
            parts.push(p);
        }
        parts
    }
}

pub(crate) fn url_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split('/').next()?.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p)
}

pub(crate) fn kv_password(conn: &str) -> Option<&str> {
    conn.split_whitespace()
        .find_map(|kv| kv.strip_prefix("password="))
}

/// Where a secret is read from, as written in the bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretRef {
    Env(String),
    File(String),
}

/// Looks up env vars; tests and the runner may supply their own.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl SecretRef {
    pub(crate) fn describe(&self) -> String {
        match self {
            SecretRef::Env(name) => format!("env {name}"),
            SecretRef::File(path) => format!("file {path}"),
        }
    }

    pub(crate) fn resolve(&self, env: EnvLookup<'_>) -> Result<Secret, String> {
        let value = match self {
            SecretRef::Env(name) => {
                env(name).ok_or_else(|| format!("env var {name} is not set"))?
            }
            SecretRef::File(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {path}: {}", e.kind()))?,
        };
        let value = value.trim_end_matches(['\n', '\r']).to_string();
        if value.is_empty() {
            return Err(format!("{} is empty", self.describe()));
        }
        Ok(Secret::new(value, self.describe()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("postgres://app:hunter22@db/x".into(), "env DB".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(s.from(), "env DB");
    }

    #[test]
    fn scrub_removes_the_url_and_its_password() {
        let s = Secret::new("postgres://app:hunter22@db/x".into(), "env DB".into());
        let text = "failed for postgres://app:hunter22@db/x and hunter22";
        assert_eq!(s.scrub(text), "failed for <redacted> and <redacted>");
        let kv = Secret::new("host=db password=pw-123 user=a".into(), "env DB".into());
        assert_eq!(kv.scrub("bad pw-123"), "bad <redacted>");
    }

    #[test]
    fn resolve_reads_env_and_trims_one_newline() {
        let env = |k: &str| (k == "T").then(|| "tok\n".to_string());
        let s = SecretRef::Env("T".into()).resolve(&env).unwrap();
        assert_eq!(s.expose(), "tok");
        let err = SecretRef::Env("U".into()).resolve(&env).unwrap_err();
        assert_eq!(err, "env var U is not set");
    }
}
