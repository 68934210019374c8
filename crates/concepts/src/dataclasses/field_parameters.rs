//! Per-field options — seed: `DataClasses/field_fxn_parameters.py`.
//!
//! **Python idea.** `field()` options on a blog post: `default_factory` for a uuid id, a
//! creation time, tags and metadata; `repr=False` hides an internal note; `compare=False`
//! keeps the view count out of `==`; `init=False` plus `__post_init__` derives the slug
//! from the title ("Hello World" → "hello-world").
//!
//! **Rust answer.** [`BlogPost::new`] fills the generated fields (`uuid::Uuid::new_v4()`,
//! `jiff::Timestamp::now()`, empty `Vec`/`BTreeMap`) and computes the slug. A hand-written
//! `Debug` leaves the note out; a hand-written `PartialEq` leaves the view count out. The
//! slug is private and recomputed by [`BlogPost::set_title`], so it cannot go stale.
//!
//! **Checked earlier.** The slug cannot be passed to the constructor or assigned from
//! outside (private field) — Python's `init=False` field can still be assigned later.
//!
//! **Does not carry over.** Per-field flags are not attributes on the field: leaving a field
//! out of `Debug` or `==` means writing that impl by hand (crates such as `derivative` or
//! `educe` generate them from field attributes). The slug rule is the seed's: lower-case,
//! spaces to hyphens. `created_at` is a `jiff::Timestamp`, an exact instant; Python's
//! `datetime.now()` is a naive local time — `jiff::ZonedDateTime` is the choice when the
//! local zone must be kept.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use uuid::Uuid;

/// The seed's blog post.
#[derive(Clone)]
pub struct BlogPost {
    /// Unique id, generated (`default_factory=uuid4`).
    pub id: Uuid,
    /// Creation time, generated (`default_factory=datetime.now`).
    pub created_at: Timestamp,
    title: String,
    /// The text.
    pub content: String,
    /// Tags; each post has its own list.
    pub tags: Vec<String>,
    /// Free-form metadata; each post has its own map.
    pub metadata: BTreeMap<String, String>,
    /// Left out of `Debug` (`repr=False`).
    pub internal_note: String,
    /// Left out of `==` (`compare=False`).
    pub view_count: u64,
    slug: String,
}

/// The seed's slug rule: lower-case, spaces become hyphens.
pub fn slugify(title: &str) -> String {
    title.to_lowercase().replace(' ', "-")
}

impl BlogPost {
    /// A new post: generated id and time, empty tags and metadata, the slug from the title.
    pub fn new(title: impl Into<String>, content: impl Into<String>) -> Self {
        let title = title.into();
        Self {
            id: Uuid::new_v4(),
            created_at: Timestamp::now(),
            slug: slugify(&title),
            title,
            content: content.into(),
            tags: Vec::new(),
            metadata: BTreeMap::new(),
            internal_note: String::new(),
            view_count: 0,
        }
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Changes the title and the slug with it.
    pub fn set_title(&mut self, title: impl Into<String>) {
        self.title = title.into();
        self.slug = slugify(&self.title);
    }

    /// The slug (Python: the `init=False` field set in `__post_init__`).
    pub fn slug(&self) -> &str {
        &self.slug
    }
}

impl fmt::Debug for BlogPost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlogPost")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .field("title", &self.title)
            .field("content", &self.content)
            .field("tags", &self.tags)
            .field("metadata", &self.metadata)
            .field("view_count", &self.view_count)
            .field("slug", &self.slug)
            .finish_non_exhaustive()
    }
}

/// Every field but `view_count` (`compare=False`).
impl PartialEq for BlogPost {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.created_at == other.created_at
            && self.title == other.title
            && self.content == other.content
            && self.tags == other.tags
            && self.metadata == other.metadata
            && self.internal_note == other.internal_note
            && self.slug == other.slug
    }
}

impl Eq for BlogPost {}

/// The demo: generated fields, the derived slug, what `Debug` and `==` leave out.
pub fn demo() -> Vec<String> {
    let mut post = BlogPost::new("Hello World", "My first post");
    post.tags.push("intro".to_owned());
    post.metadata
        .insert("author".to_owned(), "alice".to_owned());
    post.internal_note = "needs review".to_owned();
    let mut viewed = post.clone();
    viewed.view_count += 10;
    let other = BlogPost::new("Hello World", "My first post");
    let shown = format!("{post:?}");
    vec![
        format!("slug: {}", post.slug()),
        format!("tags: {:?}, metadata: {:?}", post.tags, post.metadata),
        format!(
            "Debug shows the internal note: {}",
            shown.contains("needs review")
        ),
        format!("post == post with 10 more views: {}", post == viewed),
        format!("two new posts get different ids: {}", post.id != other.id),
        format!("other post starts with no tags: {:?}", other.tags),
    ]
}
