//! Languages: Fluent files from `web/locales/<lang>/*.ftl`, embedded at build time.
//! The language is the `lang` cookie (set by the switcher and at sign-in from the user's
//! setting), else the best match of `Accept-Language`, else the configured default.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./web/locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Languages with a complete set of messages.
pub const SUPPORTED: &[&str] = &["it", "en"];

static IDS: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
    SUPPORTED
        .iter()
        .filter_map(|s| s.parse::<LanguageIdentifier>().ok())
        .collect()
});

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(usize);

impl Lang {
    /// The language with this code, if supported.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        SUPPORTED.iter().position(|s| *s == primary).map(Lang)
    }

    /// Italian, or the default given in settings.
    pub fn default_for(code: &str) -> Lang {
        Lang::from_code(code).unwrap_or(Lang(0))
    }

    /// The BCP 47 code (`it`, `en`).
    pub fn code(&self) -> &'static str {
        SUPPORTED[self.0]
    }

    /// Text direction for the `dir` attribute.
    pub fn dir(&self) -> &'static str {
        match self.code() {
            "ar" | "fa" | "he" | "ur" => "rtl",
            _ => "ltr",
        }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        &IDS[self.0]
    }

    /// The message `key`.
    pub fn t(&self, key: &str) -> String {
        self.ta(key, &[])
    }

    /// The message `key` with named arguments.
    pub fn ta(&self, key: &str, args: &[(&'static str, String)]) -> String {
        memo::formatted(self.0, key, args, || {
            if args.is_empty() {
                return LOCALES
                    .try_lookup(self.id(), key)
                    .unwrap_or_else(|| key.to_string());
            }
            let map: HashMap<Cow<'static, str>, FluentValue> = args
                .iter()
                .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
                .collect();
            LOCALES
                .try_lookup_with_args(self.id(), key, &map)
                .unwrap_or_else(|| key.to_string())
        })
    }

    /// All supported languages, for the switcher.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..SUPPORTED.len()).map(Lang)
    }

    /// The language's own name ("Italiano", "English").
    pub fn endonym(&self) -> String {
        self.t("lang-endonym")
    }
}

/// Picks the language: cookie, then Accept-Language (by quality), then the default.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>, default: &str) -> Lang {
    if let Some(l) = cookie.and_then(Lang::from_code) {
        return l;
    }
    if let Some(header) = accept_language {
        let mut ranges: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, tag))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        if let Some(l) = ranges.iter().find_map(|(_, tag)| Lang::from_code(tag)) {
            return l;
        }
    }
    Lang::default_for(default)
}

/// Messages already formatted, per thread: the same message with the same arguments always
/// reads the same (the messages are built in), and a page or a list of suggestions asks for
/// the same few dozen again and again, so Fluent resolves each once.
mod memo {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};

    /// Entries kept per thread before starting afresh (about 100 bytes each).
    const MAX: usize = 8192;

    struct Entry {
        lang: usize,
        key: Box<str>,
        args: Box<[(&'static str, String)]>,
        text: String,
    }

    thread_local! {
        static FORMATTED: RefCell<HashMap<u64, Vec<Entry>>> = RefCell::new(HashMap::new());
    }

    /// The text of (language, key, arguments), formatted by `format` the first time.
    pub fn formatted(
        lang: usize,
        key: &str,
        args: &[(&'static str, String)],
        format: impl FnOnce() -> String,
    ) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (lang, key, args).hash(&mut h);
        let hash = h.finish();
        let found = FORMATTED.with(|m| {
            m.borrow().get(&hash).and_then(|entries| {
                entries
                    .iter()
                    .find(|e| e.lang == lang && &*e.key == key && &*e.args == args)
                    .map(|e| e.text.clone())
            })
        });
        if let Some(text) = found {
            return text;
        }
        let text = format();
        FORMATTED.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= MAX {
                m.clear();
            }
            m.entry(hash).or_default().push(Entry {
                lang,
                key: key.into(),
                args: args.into(),
                text: text.clone(),
            });
        });
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_messages_read_as_freshly_formatted_ones() {
        let fresh = |lang: Lang, key: &str, n: &str| {
            let args: HashMap<Cow<'static, str>, FluentValue> =
                [(Cow::Borrowed("capacity"), FluentValue::from(n.to_string()))].into();
            LOCALES.try_lookup_with_args(lang.id(), key, &args).unwrap()
        };
        for round in 0..3 {
            for lang in Lang::all() {
                for n in ["4", "12", "30"] {
                    let args = [("capacity", n.to_string())];
                    assert_eq!(
                        lang.ta("reason-small-group", &args),
                        fresh(lang, "reason-small-group", n),
                        "round {round}"
                    );
                }
                assert_eq!(
                    lang.t("reason-free"),
                    LOCALES.lookup(lang.id(), "reason-free")
                );
                // A key nobody wrote reads as itself, remembered or not.
                let unknown = format!("{}-{round}", "unknown");
                assert_eq!(lang.t(&unknown), unknown);
            }
        }
        let (it, en) = (Lang::default_for("it"), Lang::default_for("en"));
        assert_ne!(it.t("reason-free"), en.t("reason-free"));
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            negotiate(None, Some("fr-FR, en;q=0.8, it;q=0.5"), "it").code(),
            "en"
        );
        assert_eq!(negotiate(None, Some("de"), "it").code(), "it");
        assert_eq!(negotiate(Some("en"), Some("it"), "it").code(), "en");
        assert_eq!(negotiate(None, Some("en-GB;q=0"), "it").code(), "it");
    }

    #[test]
    fn every_language_has_every_message_of_the_italian_file() {
        let all = |code: &str| -> String {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("web/locales")
                .join(code);
            let mut names: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .collect();
            names.sort();
            names
                .iter()
                .map(|p| std::fs::read_to_string(p).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (it, en) = (all("it"), all("en"));
        let (it, en) = (it.as_str(), en.as_str());
        let keys = |s: &str| -> std::collections::BTreeSet<String> {
            s.lines()
                .filter(|l| !l.starts_with([' ', '#', '.']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_string()))
                .collect()
        };
        let missing: Vec<_> = keys(it).difference(&keys(en)).cloned().collect();
        assert!(missing.is_empty(), "missing in en: {missing:?}");
        let missing: Vec<_> = keys(en).difference(&keys(it)).cloned().collect();
        assert!(missing.is_empty(), "missing in it: {missing:?}");
    }
}

#[cfg(test)]
mod coverage {
    use super::*;

    fn files(dir: &std::path::Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                files(&p, ext, out);
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(p);
            }
        }
    }

    fn keys(ftl: &str) -> std::collections::BTreeSet<String> {
        ftl.lines()
            .filter(|l| !l.starts_with([' ', '#', '.']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_string()))
            .collect()
    }

    /// Every literal message id used in code and templates exists in every language: the ids
    /// passed to `t(…)`, `ta(…)`, `titled(…)`, and every "err-…" id.
    #[test]
    fn every_message_used_in_code_and_templates_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files(&root.join("src"), "rs", &mut paths);
        files(&root.join("web/templates"), "html", &mut paths);
        let langs: Vec<(&str, std::collections::BTreeSet<String>)> = SUPPORTED
            .iter()
            .map(|code| {
                let mut ftl_files = Vec::new();
                files(
                    &root.join(format!("web/locales/{code}")),
                    "ftl",
                    &mut ftl_files,
                );
                let ftl = ftl_files
                    .iter()
                    .map(|p| std::fs::read_to_string(p).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n");
                (*code, keys(&ftl))
            })
            .collect();
        let mut missing = Vec::new();
        let mut checked = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, _) in text.match_indices('"') {
                let before = &text[..i];
                let rest = &text[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let id = &rest[..end];
                let well_formed = id.len() > 3
                    && id.contains('-')
                    && !id.ends_with('-')
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                let called = [".t(", ".ta(", ".titled(", "message(p, "]
                    .iter()
                    .any(|c| before.ends_with(c));
                if !well_formed || !(called || id.starts_with("err-")) {
                    continue;
                }
                checked += 1;
                for (code, keys) in &langs {
                    if !keys.contains(id) {
                        missing.push(format!("{id} ({code}) used in {}", path.display()));
                    }
                }
            }
        }
        assert!(checked > 100, "the scan found only {checked} message ids");
        assert!(missing.is_empty(), "missing messages: {missing:#?}");
    }
}
