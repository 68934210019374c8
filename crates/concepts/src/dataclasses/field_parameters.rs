//! Per-field options — seed: `DataClasses/field_fxn_parameters.py`.
//!
//! **Python idea.** `field()` options on the seed's `BlogPost(title, content)`:
//! `default_factory` for a uuid `id`, a `created_at` time, `tags` and `metadata`;
//! `repr=False` hides `internal_notes`; `compare=False` keeps `view_count` out of `==`;
//! `init=False` plus `__post_init__` derives the `slug` from the title ("Hello World" →
//! "hello-world"). The seed's run: two posts ("Hello World", "Python Tips") get different
//! ids and times, slugs `hello-world` and `python-tips`, and their own tag lists.
//!
//! **Rust answer.** [`BlogPost::new`] fills the generated fields (`uuid::Uuid::new_v4()`,
//! `jiff::Timestamp::now()`, empty `Vec`/`BTreeMap`) and computes the slug. A hand-written
//! `Debug` leaves the note out; a hand-written `PartialEq` leaves the view count out. The
//! slug is private and recomputed by [`BlogPost::set_title`], so it cannot go stale. Field
//! names, the two posts and the printed slugs follow the seed file.
//!
//! **Checked earlier.** The slug cannot be passed to the constructor or assigned from
//! outside (private field) — Python's `init=False` field can still be assigned later.
//!
//! **Where Rust differs.** Per-field flags are not attributes on the field: leaving a field
//! out of `Debug` or `==` means writing that impl by hand (crates such as `derivative` or
//! `educe` generate them from field attributes). The slug rule is the seed's: lower-case,
//! spaces to hyphens. `created_at` is a `jiff::Timestamp`, an exact instant; Python's
//! `datetime.now()` is a naive local time — `jiff::ZonedDateTime` is the choice when the
//! local zone must be kept. The id is a `Uuid`, not its text (`str(uuid.uuid4())`). Tags
//! print as Rust's `["introduction"]` where Python prints `['introduction']`. The seed's
//! `created_at` comparison is "likely True": two calls to the clock can return the same
//! instant, so the demo prints it but the tests do not rely on it.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use uuid::Uuid;

// ANCHOR: blog_post
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
    pub internal_notes: String,
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
            internal_notes: String::new(),
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
            && self.internal_notes == other.internal_notes
            && self.slug == other.slug
    }
}
// ANCHOR_END: blog_post

impl Eq for BlogPost {}

// ANCHOR: demo
/// The demo: the seed's run on two posts, then what `Debug` and `==` leave out.
pub fn demo() -> Vec<String> {
    let mut post1 = BlogPost::new("Hello World", "This is my first post");
    let mut post2 = BlogPost::new("Python Tips", "Some useful Python tips");
    let mut lines = vec![
        format!("post1.id != post2.id: {}", post1.id != post2.id),
        format!(
            "post1.created_at != post2.created_at: {}",
            post1.created_at != post2.created_at
        ),
        post1.slug().to_owned(),
        post2.slug().to_owned(),
    ];
    post1.tags.push("introduction".to_owned());
    post2.tags.push("python".to_owned());
    lines.push(format!("{:?}", post1.tags));
    lines.push(format!("{:?}", post2.tags));

    post1.internal_notes = "needs review".to_owned();
    let mut viewed = post1.clone();
    viewed.view_count += 10;
    lines.push(format!(
        "Debug shows internal_notes: {}",
        format!("{post1:?}").contains("needs review")
    ));
    lines.push(format!(
        "post1 == post1 with 10 more views: {}",
        post1 == viewed
    ));
    lines
}
// ANCHOR_END: demo
