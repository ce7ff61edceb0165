//! The built-in kinds: which `apiVersion`s each accepts, the spec fields it
//! declares (with their types and whether they are required), and the relations
//! its reference fields emit in both directions (spec §1.4–1.5).
//!
//! One table drives validation ([`crate::validate`]), relation emission
//! ([`crate::relations`]) and the JSON Schema ([`crate::schema`]), so the three
//! cannot disagree.

/// The `apiVersion`s Backstage's built-in kind schemas accept.
pub const CORE_API_VERSIONS: &[&str] = &["backstage.io/v1alpha1", "backstage.io/v1beta1"];

/// What a spec field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A non-empty string.
    String,
    /// A list of strings.
    Strings,
    /// An entity reference; the kind it defaults to, if any.
    Ref(Option<&'static str>),
    /// A list of entity references; the kind they default to, if any.
    Refs(Option<&'static str>),
    /// A mapping.
    Object,
    /// A list.
    List,
    /// A mapping or a list (Template `parameters`).
    ObjectOrList,
}

/// One field of a kind's `spec`.
#[derive(Debug, Clone, Copy)]
pub struct SpecField {
    /// The key under `spec`.
    pub name: &'static str,
    /// What it holds.
    pub ty: FieldType,
    /// Whether the kind's schema requires it.
    pub required: bool,
    /// The relation it emits to its target(s) and the reverse one back, if any.
    pub relation: Option<(&'static str, &'static str)>,
}

/// A built-in kind.
#[derive(Debug, Clone, Copy)]
pub struct KindDef {
    /// As written in descriptors, for example `Component`.
    pub kind: &'static str,
    /// The `apiVersion`s it accepts.
    pub api_versions: &'static [&'static str],
    /// Its spec fields.
    pub fields: &'static [SpecField],
    /// One line for the JSON Schema and the docs.
    pub description: &'static str,
}

const fn field(name: &'static str, ty: FieldType) -> SpecField {
    SpecField { name, ty, required: false, relation: None }
}

const fn required(name: &'static str, ty: FieldType) -> SpecField {
    SpecField { name, ty, required: true, relation: None }
}

const fn relates(mut f: SpecField, forward: &'static str, reverse: &'static str) -> SpecField {
    f.relation = Some((forward, reverse));
    f
}

use FieldType::{List, Object, ObjectOrList, Ref, Refs, Strings};
const STR: FieldType = FieldType::String;

const OWNER: SpecField = relates(required("owner", Ref(Some("Group"))), "ownedBy", "ownerOf");
const SYSTEM: SpecField = relates(field("system", Ref(Some("System"))), "partOf", "hasPart");
const DEPENDS_ON: SpecField = relates(field("dependsOn", Refs(None)), "dependsOn", "dependencyOf");
const DEPENDENCY_OF: SpecField =
    relates(field("dependencyOf", Refs(None)), "dependencyOf", "dependsOn");

/// Every built-in kind.
pub const KINDS: &[KindDef] = &[
    KindDef {
        kind: "Component",
        api_versions: CORE_API_VERSIONS,
        description: "A piece of software: a service, website, library and so on.",
        fields: &[
            required("type", STR),
            required("lifecycle", STR),
            OWNER,
            SYSTEM,
            relates(field("subcomponentOf", Ref(Some("Component"))), "partOf", "hasPart"),
            relates(field("providesApis", Refs(Some("API"))), "providesApi", "apiProvidedBy"),
            relates(field("consumesApis", Refs(Some("API"))), "consumesApi", "apiConsumedBy"),
            DEPENDS_ON,
            DEPENDENCY_OF,
        ],
    },
    KindDef {
        kind: "API",
        api_versions: &["backstage.io/v1alpha1", "backstage.io/v1beta1", "backstage.io/v1alpha2"],
        description: "An interface a component provides: OpenAPI, AsyncAPI, GraphQL, gRPC, MCP…",
        fields: &[
            required("type", STR),
            required("lifecycle", STR),
            OWNER,
            SYSTEM,
            // Required unless the type is a remote one (see `validate`).
            field("definition", STR),
            field("remotes", List),
        ],
    },
    KindDef {
        kind: "Resource",
        api_versions: CORE_API_VERSIONS,
        description: "Infrastructure a component needs at run time: a database, a bucket, a cluster.",
        fields: &[required("type", STR), OWNER, SYSTEM, DEPENDS_ON, DEPENDENCY_OF],
    },
    KindDef {
        kind: "System",
        api_versions: CORE_API_VERSIONS,
        description: "A collection of components, APIs and resources that together expose a function.",
        fields: &[
            OWNER,
            relates(field("domain", Ref(Some("Domain"))), "partOf", "hasPart"),
            field("type", STR),
        ],
    },
    KindDef {
        kind: "Domain",
        api_versions: CORE_API_VERSIONS,
        description: "A business area that groups systems.",
        fields: &[
            OWNER,
            relates(field("subdomainOf", Ref(Some("Domain"))), "partOf", "hasPart"),
            field("type", STR),
        ],
    },
    KindDef {
        kind: "Group",
        api_versions: CORE_API_VERSIONS,
        description: "A team or other organisational unit.",
        fields: &[
            required("type", STR),
            relates(required("children", Refs(Some("Group"))), "parentOf", "childOf"),
            relates(field("parent", Ref(Some("Group"))), "childOf", "parentOf"),
            relates(field("members", Refs(Some("User"))), "hasMember", "memberOf"),
            field("profile", Object),
        ],
    },
    KindDef {
        kind: "User",
        api_versions: CORE_API_VERSIONS,
        description: "A person.",
        fields: &[
            relates(required("memberOf", Refs(Some("Group"))), "memberOf", "hasMember"),
            field("profile", Object),
        ],
    },
    KindDef {
        kind: "Location",
        api_versions: CORE_API_VERSIONS,
        description: "A pointer to more descriptor files.",
        fields: &[
            field("type", STR),
            field("target", STR),
            field("targets", Strings),
            field("presence", STR),
        ],
    },
    KindDef {
        kind: "Template",
        api_versions: &["scaffolder.backstage.io/v1beta3"],
        description: "A software template for the scaffolder.",
        fields: &[
            required("type", STR),
            required("steps", List),
            field("parameters", ObjectOrList),
            field("output", Object),
            relates(field("owner", Ref(Some("Group"))), "ownedBy", "ownerOf"),
            field("presentation", Object),
        ],
    },
    KindDef {
        kind: "Environment",
        api_versions: CORE_API_VERSIONS,
        description: "A deployment environment (development, production…).",
        fields: &[required("lifecycle", STR)],
    },
    KindDef {
        kind: "AiResource",
        api_versions: &["backstage.io/v1alpha1"],
        description: "An AI asset: a skill, rule, plugin or marketplace.",
        fields: &[
            required("type", STR),
            required("lifecycle", STR),
            OWNER,
            SYSTEM,
            DEPENDS_ON,
            field("skills", Strings),
            field("plugins", Strings),
            field("category", STR),
            field("rationale", STR),
        ],
    },
];

/// The built-in kind with this name, compared case-insensitively.
pub fn kind_def(kind: &str) -> Option<&'static KindDef> {
    KINDS.iter().find(|k| k.kind.eq_ignore_ascii_case(kind))
}

/// API types whose spec carries `remotes` instead of `definition`.
pub const REMOTE_API_TYPES: &[&str] = &["mcp-server", "ai-model-server"];

/// Extra required fields that depend on `spec.type`, beyond the kind's table.
pub fn required_for_type(kind: &str, ty: Option<&str>) -> &'static [&'static str] {
    let kind = kind.to_ascii_lowercase();
    match (kind.as_str(), ty) {
        ("api", Some(t)) if REMOTE_API_TYPES.contains(&t) => &["remotes"],
        ("api", _) => &["definition"],
        ("airesource", Some("rule")) => &["category", "rationale"],
        ("airesource", Some("plugin")) => &["skills"],
        ("airesource", Some("marketplace")) => &["plugins"],
        _ => &[],
    }
}
