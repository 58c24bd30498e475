package sheets

// TagKey is the developer metadata key that tags a tab as auxon's; its
// value is JSON {"run","kind","created"}.
const TagKey = "auxon.tab"

// tagVisibility is DOCUMENT rather than PROJECT: a user's OAuth client and
// the cron's service account usually belong to different projects, and
// both must see each other's tags for retention to work.
const tagVisibility = "DOCUMENT"
