//! The HTTP client that delivers webhooks: HTTP/1.1 over TCP, or TLS by
//! rustls with the ring provider, verifying servers against the system's
//! CA roots (`rustls-platform-verifier`, which reads them from the usual
//! files such as Debian's `ca-certificates`) plus the PEM bundle of
//! `LINKPLANE_WEBHOOK_CA_FILE`.
//!
//! reqwest is built with `rustls-no-provider`: a client must be handed its
//! rustls configuration as this one is (`tls_backend_preconfigured`); a
//! plain `reqwest::Client::new()` would panic for want of a crypto provider.

use anyhow::{Context, bail};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long one delivery attempt may take, connection and TLS included.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// The webhook client, trusting `ca_file`'s certificates besides the
/// system's. A missing, unreadable or certificate-less file is an error
/// naming it; a machine without system roots (and no file) still gets a
/// client, whose `https://` deliveries fail with a reason that says so.
pub fn webhook_client(ca_file: Option<&Path>) -> anyhow::Result<reqwest::Client> {
    let extra_roots = match ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> =
        match rustls_platform_verifier::Verifier::new_with_extra_roots(
            extra_roots,
            provider.clone(),
        ) {
            Ok(v) => Arc::new(v),
            Err(e) => {
                tracing::warn!(error = %e, "no CA certificates to trust: https webhooks will fail (install ca-certificates or set LINKPLANE_WEBHOOK_CA_FILE)");
                Arc::new(NoRoots(provider.clone()))
            }
        };
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        // Not dangerous: this is how a verifier other than rustls's own
        // WebPKI one (here the platform verifier, WebPKI inside) is plugged.
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        // A redirect is an answer, not an instruction: following it would
        // send the signed body to a host LINKPLANE_WEBHOOK_ALLOWED_HOSTS
        // never allowed. A 3xx is a failed delivery, retried like a 500.
        .redirect(reqwest::redirect::Policy::none())
        .tls_backend_preconfigured(tls)
        .build()
        .context("building the webhook HTTP client")
}

/// The certificates of a PEM bundle (other sections, such as keys, are
/// skipped), each checked to parse as a trust anchor.
fn read_ca_file(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let what = || format!("LINKPLANE_WEBHOOK_CA_FILE {}", path.display());
    let pem = std::fs::read(path).with_context(what)?;
    let mut certs = Vec::new();
    for (i, cert) in CertificateDer::pem_slice_iter(&pem).enumerate() {
        let cert = cert.with_context(|| format!("{}: certificate {}", what(), i + 1))?;
        if let Err(e) = rustls::RootCertStore::empty().add(cert.clone()) {
            // rustls words these for a peer ("invalid peer certificate: ...").
            let why = match e {
                rustls::Error::InvalidCertificate(c) => format!("{c:?}"),
                e => e.to_string(),
            };
            bail!(
                "{}: certificate {} is not a usable CA certificate: {why}",
                what(),
                i + 1
            );
        }
        certs.push(cert);
    }
    if certs.is_empty() {
        bail!(
            "{}: no PEM certificates (-----BEGIN CERTIFICATE-----)",
            what()
        );
    }
    Ok(certs)
}

/// A verifier for a machine with no CA roots at all: every server
/// certificate is refused with a reason that names the fix.
#[derive(Debug)]
struct NoRoots(Arc<CryptoProvider>);

impl ServerCertVerifier for NoRoots {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Err(rustls::Error::General(
            "no CA certificates to trust (install ca-certificates or set LINKPLANE_WEBHOOK_CA_FILE)"
                .to_string(),
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Why a delivery attempt got no answer, for `last_delivery_status`:
/// reqwest's own message names only the URL, so the causes beneath it are
/// joined (`connect: invalid peer certificate: UnknownIssuer`).
pub(super) fn failure_reason(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    if e.is_timeout() {
        parts.push("timed out".to_string());
    } else if e.is_connect() {
        parts.push("connect".to_string());
    }
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        // hyper's "client error (Connect)" repeats what `connect` says.
        if !text.is_empty() && !text.starts_with("client error") && !parts.contains(&text) {
            parts.push(text);
        }
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(contents: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, contents.as_bytes()).expect("write");
        f
    }

    #[test]
    fn a_bad_ca_file_is_a_clear_error() {
        let missing = Path::new("/nonexistent/linkplane-ca.pem");
        let e = format!("{:#}", webhook_client(Some(missing)).expect_err("missing"));
        assert!(
            e.contains("LINKPLANE_WEBHOOK_CA_FILE /nonexistent/linkplane-ca.pem"),
            "{e}"
        );
        let empty = temp_file("not a certificate\n");
        let e = format!("{:#}", read_ca_file(empty.path()).expect_err("empty"));
        assert!(e.contains("no PEM certificates"), "{e}");
        let garbage =
            temp_file("-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----\n");
        let e = format!("{:#}", read_ca_file(garbage.path()).expect_err("garbage"));
        assert!(
            e.contains("certificate 1 is not a usable CA certificate: BadEncoding"),
            "{e}"
        );
        let unterminated = temp_file("-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n");
        assert!(read_ca_file(unterminated.path()).is_err());
    }

    #[tokio::test]
    async fn failure_reasons_name_the_cause() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", closed.local_addr().expect("addr"));
        drop(closed);
        let e = webhook_client(None)
            .expect("client")
            .post(&url)
            .send()
            .await
            .expect_err("nothing listens");
        let reason = failure_reason(&e);
        assert!(reason.starts_with("connect: "), "{reason}");
        assert!(!reason.contains(&url), "{reason}");
    }

    #[test]
    fn the_client_builds_with_and_without_extra_roots() {
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/api/fixtures/webhook-tls-cert.pem"
        );
        assert_eq!(read_ca_file(Path::new(fixture)).expect("fixture").len(), 1);
        assert!(webhook_client(Some(Path::new(fixture))).is_ok());
        assert!(webhook_client(None).is_ok());
    }
}
