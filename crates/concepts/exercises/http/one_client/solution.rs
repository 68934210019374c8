//! Solution — HTTP basics: the client is built once and kept; every request borrows its
//! pool, so sequential requests reuse one kept-alive connection.

/// A small API client for one server.
#[derive(Debug)]
pub struct Api {
    client: reqwest::Client,
}

impl Api {
    /// A client with the chapter's defaults (`concepts::http::client_builder()`).
    ///
    /// # Errors
    /// The client could not be built.
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = concepts::http::client_builder().build()?;
        Ok(Self { client })
    }

    /// GET `url`; a status of 400 or more is an error; the body as JSON.
    ///
    /// # Errors
    /// The request, the status or the body's error.
    pub async fn get_json(&self, url: &str) -> Result<serde_json::Value, reqwest::Error> {
        let response = self.client.get(url).send().await?.error_for_status()?;
        response.json().await
    }
}
