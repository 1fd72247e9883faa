//! Outgoing mail on lettre: SMTP in production, .eml files in the demo, memory in tests.
//! Mails are sent from a background task so that a slow SMTP server neither delays nor
//! reveals anything through the response (no account enumeration by timing).

use crate::config::{MailSettings, MailTransport, SmtpSecurity};
use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::sync::{Arc, Mutex};

/// A mail as the in-memory transport keeps it.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// Sends mail.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// Builds the configured transport.
    pub fn new(settings: &MailSettings) -> anyhow::Result<Mailer> {
        let from: Mailbox = settings
            .from
            .parse()
            .with_context(|| format!("mail.from `{}` is not a mailbox", settings.from))?;
        let transport = match settings.transport {
            MailTransport::Memory => Transport::Memory(Arc::new(Mutex::new(Vec::new()))),
            MailTransport::File => {
                std::fs::create_dir_all(&settings.outbox_dir)
                    .with_context(|| format!("creating {}", settings.outbox_dir))?;
                Transport::File(AsyncFileTransport::new(&settings.outbox_dir))
            }
            MailTransport::Smtp => {
                let builder = match settings.smtp_security {
                    SmtpSecurity::Tls => {
                        AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.smtp_host)?
                    }
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.smtp_host)?
                    }
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.smtp_host)
                    }
                };
                let mut builder = builder.port(settings.smtp_port);
                if !settings.smtp_username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        settings.smtp_username.clone(),
                        settings.smtp_password.expose_secret().to_string(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text mail now.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        if let Transport::Memory(outbox) = &self.transport {
            outbox
                .lock()
                .map_err(|_| anyhow::anyhow!("outbox lock poisoned"))?
                .push(SentMail {
                    to: to.to_string(),
                    subject: subject.to_string(),
                    body: body.to_string(),
                });
            return Ok(());
        }
        let to: Mailbox = to.parse().context("recipient address")?;
        // lettre encodes header values (RFC 2047), so names and subjects cannot inject headers.
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .context("building the mail")?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message).await.context("sending by SMTP")?;
            }
            Transport::File(t) => {
                t.send(message).await.context("writing the mail file")?;
            }
            Transport::Memory(_) => {}
        }
        Ok(())
    }

    /// Sends in the background; failures are logged without the recipient.
    pub fn send_later(&self, to: String, subject: String, body: String) {
        let mailer = self.clone();
        tokio::spawn(async move {
            if let Err(e) = mailer.send(&to, &subject, &body).await {
                tracing::error!(error = ?e, "a mail could not be sent");
            }
        });
    }

    /// The mails sent so far (in-memory transport only; empty otherwise).
    pub fn sent(&self) -> Vec<SentMail> {
        match &self.transport {
            Transport::Memory(outbox) => outbox.lock().map(|o| o.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}
