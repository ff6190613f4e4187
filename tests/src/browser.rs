//! A small scripted browser for the provider's side of a sign-in: it follows the provider's redirects, fills in its
//! login and consent forms, and stops at the redirect back to LIS.

use crate::app::BASE_URL;

/// Walks the provider from `authorize_url` as `login` and returns LIS's callback path with its query
/// (`/auth/callback?code=…&state=…`).
pub async fn through_provider(authorize_url: &str, login: &str) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let mut url = reqwest::Url::parse(authorize_url).expect("the authorize URL");
    for _ in 0..20 {
        let response = http.get(url.clone()).send().await.expect("the provider answers");
        let next = if response.status().is_redirection() {
            location(&url, &response)
        } else {
            let status = response.status();
            let page = response.text().await.expect("a page");
            assert!(status.is_success(), "the provider answered {status}: {page}");
            let action = attribute_after(&page, "<form", "action").expect("a form on the provider's page");
            let prompt = attribute_after(&page, r#"name="prompt""#, "value").expect("the form's prompt");
            let mut fields = vec![("prompt", prompt.clone())];
            if prompt == "login" {
                fields.push(("login", login.to_owned()));
                fields.push(("password", "vilket-som-helst".to_owned()));
            }
            let target = url.join(&action).expect("the form's action");
            let submitted = http
                .post(target.clone())
                .form(&fields)
                .send()
                .await
                .expect("the form is accepted");
            assert!(
                submitted.status().is_redirection(),
                "submitting {prompt} gave {}",
                submitted.status()
            );
            location(&target, &submitted)
        };
        if let Some(path) = next.as_str().strip_prefix(BASE_URL) {
            return path.to_owned();
        }
        url = next;
    }
    panic!("the provider never sent the browser back to LIS");
}

fn location(base: &reqwest::Url, response: &reqwest::Response) -> reqwest::Url {
    let value = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location header");
    base.join(value).expect("a valid Location")
}

/// The value of `attribute` in the first tag text after `marker`.
fn attribute_after(page: &str, marker: &str, attribute: &str) -> Option<String> {
    let rest = &page[page.find(marker)?..];
    let key = format!("{attribute}=\"");
    let start = rest.find(&key)? + key.len();
    Some(rest[start..].split('"').next()?.replace("&amp;", "&"))
}
