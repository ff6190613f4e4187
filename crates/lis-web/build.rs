//! Embeds the templates in the binary, so that a release build needs no files beside it.

fn main() {
    minijinja_embed::embed_templates!("../../templates", &[".html"][..]);
}
