//! Input rules for accounts, as small parse functions returning a Fluent message id on error.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Shortest and longest password, in characters (NIST SP 800-63B: no composition rules).
pub const PASSWORD_MIN: usize = 8;
/// Longest password accepted.
pub const PASSWORD_MAX: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../auth/common-passwords-10k.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// A normalized e-mail address (trimmed, lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an address a person typed.
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err("err-email-missing");
        }
        if s.chars().count() > 254 {
            return Err("err-email-long");
        }
        let valid = email_address::EmailAddress::parse_with_options(
            &s,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .is_ok();
        let domain_has_dot = s
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.contains('.') && !d.ends_with('.'));
        if !valid || !domain_has_dot {
            return Err("err-email-invalid");
        }
        Ok(Email(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a new password; says why it is refused.
pub fn check_new_password(password: &str, email: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err("err-password-short");
    }
    if n > PASSWORD_MAX {
        return Err("err-password-long");
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) || COMMON.contains(password) {
        return Err("err-password-common");
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if !email.is_empty() && (lower == email || (local.chars().count() >= 4 && lower == local)) {
        return Err("err-password-like-email");
    }
    Ok(())
}

/// A required single-line text of at most `max` characters, trimmed; control characters refused.
pub fn required_line(input: &str, max: usize) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("err-required");
    }
    optional_line(s, max)
}

/// An optional single-line text (may be empty).
pub fn optional_line(input: &str, max: usize) -> Result<String, &'static str> {
    let s = input.trim();
    if s.chars().count() > max {
        return Err("err-too-long");
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("err-control-chars");
    }
    Ok(s.to_string())
}

/// An optional multi-line text (newlines and tabs allowed).
pub fn optional_text(input: &str, max: usize) -> Result<String, &'static str> {
    let s = input.trim();
    if s.chars().count() > max {
        return Err("err-too-long");
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("err-control-chars");
    }
    Ok(s.replace("\r\n", "\n"))
}

/// An optional phone number: digits, spaces and `+-()/.` only, at most 40 characters.
pub fn optional_phone(input: &str) -> Result<String, &'static str> {
    let p = optional_line(input, 40)?;
    if p.chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c))
    {
        Ok(p)
    } else {
        Err("err-phone")
    }
}

/// An optional e-mail address (empty stays empty), normalized.
pub fn optional_email(input: &str) -> Result<String, &'static str> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        Email::parse(input).map(|e| e.0)
    }
}

/// A display name: 1–80 characters on one line.
pub fn display_name(input: &str) -> Result<String, &'static str> {
    required_line(input, 80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse("  Anna.Rossi@Example.IT ").map(|e| e.0),
            Ok("anna.rossi@example.it".into())
        );
        assert_eq!(Email::parse("anna"), Err("err-email-invalid"));
        assert_eq!(Email::parse("anna@localhost"), Err("err-email-invalid"));
        assert_eq!(Email::parse(""), Err("err-email-missing"));
        assert_eq!(
            Email::parse(&format!("{}@x.it", "a".repeat(260))),
            Err("err-email-long")
        );
    }

    #[test]
    fn passwords_are_checked_for_length_and_commonness_only() {
        assert_eq!(check_new_password("short", ""), Err("err-password-short"));
        assert_eq!(
            check_new_password(&"x".repeat(129), ""),
            Err("err-password-long")
        );
        assert_eq!(
            check_new_password("password", ""),
            Err("err-password-common")
        );
        assert_eq!(
            check_new_password("PASSWORD", ""),
            Err("err-password-common")
        );
        assert_eq!(
            check_new_password("anna.rossi", "anna.rossi@example.it"),
            Err("err-password-like-email")
        );
        assert_eq!(
            check_new_password("tre gatti sul tetto", "anna@example.it"),
            Ok(())
        );
        assert_eq!(check_new_password("àèìòù€€€", ""), Ok(()));
    }
}
