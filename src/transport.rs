//! The listener the server accepts on: plain TCP, with one change to what
//! goes out.
//!
//! hyper answers a few requests itself, before the router sees them: a
//! request line or header block it cannot parse (400), a URI longer than it
//! takes (414), a header section past its buffer or header count (431). It
//! writes those as a bare status line with an empty body and closes the
//! connection. [`ProblemIo`] recognises such an answer as it is written (an
//! error status with `content-length: 0`, which the application never
//! sends: its error answers always carry a problem body) and writes in its
//! place the same status with an `application/problem+json` body and a
//! request id, so that every error a client can get looks the same.

use crate::api::problem::ApiError;
use axum::http::StatusCode;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections are [`ProblemIo`]s.
pub struct ProblemListener(pub TcpListener);

impl axum::serve::Listener for ProblemListener {
    type Io = ProblemIo;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.0).await;
        let _ = io.set_nodelay(true);
        (
            ProblemIo {
                inner: io,
                replacing: None,
            },
            addr,
        )
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A connection that turns hyper's own bodiless error answers into
/// problem+json ones.
pub struct ProblemIo {
    inner: TcpStream,
    /// The answer written instead of hyper's: the bytes, how many are out,
    /// and the length of hyper's buffer (reported written once ours is).
    replacing: Option<(Vec<u8>, usize, usize)>,
}

/// When `buf` is a whole response head with an error status and
/// `content-length: 0`, the status.
fn bare_error_status(buf: &[u8]) -> Option<StatusCode> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ")?;
    let code = std::str::from_utf8(rest.get(..3)?)
        .ok()?
        .parse::<u16>()
        .ok()?;
    if code < 400 || !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?.to_ascii_lowercase();
    if !head.contains("\r\ncontent-length: 0\r\n") {
        return None;
    }
    StatusCode::from_u16(code).ok()
}

/// Our answer for hyper's `status`: problem+json, a fresh request id, and
/// `connection: close` (hyper closes the connection after it).
fn problem_response(status: StatusCode) -> Vec<u8> {
    let detail = match status.as_u16() {
        400 => {
            "the request is not valid HTTP/1.1 (its request line or a header could not be parsed)"
        }
        414 => "the request URI is longer than the server accepts (64 KiB)",
        431 => {
            "the request's header section is larger than the server accepts (at most 100 headers, about 400 KiB in all)"
        }
        _ => "the request was refused before it could be read",
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    let problem = crate::api::problem::REQUEST_ID.sync_scope(request_id.clone(), || {
        ApiError::transport(status, detail).problem()
    });
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\n\
         x-request-id: {request_id}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

impl AsyncRead for ProblemIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ProblemIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.replacing.is_none()
            && let Some(status) = bare_error_status(buf)
        {
            this.replacing = Some((problem_response(status), 0, buf.len()));
        }
        if let Some((bytes, written, reported)) = &mut this.replacing {
            while *written < bytes.len() {
                let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                *written += n;
            }
            let n = *reported;
            this.replacing = None;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // Not vectored: hyper then hands each response head over in one buffer,
    // which is what `bare_error_status` reads.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_bodiless_error_heads() {
        let bare =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(
            bare_error_status(bare),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(bare_error_status(ok), None);
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 10\r\n\r\n{\"a\": 1}..";
        assert_eq!(bare_error_status(with_body), None);
        let out = String::from_utf8(problem_response(StatusCode::URI_TOO_LONG)).expect("utf8");
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        assert!(out.contains("content-type: application/problem+json"));
        assert!(out.contains("\"code\":\"RequestURITooLong\""), "{out}");
    }
}
