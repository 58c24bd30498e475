package templates

// The worked example: a fictional company on three continents. The data
// is written out rather than generated at random so that every number is
// reviewable; example_test.go checks it is valid and comfortably feasible.

var exampleResources = [][]any{
	{"cpu", "cores", "Physical cores"},
	{"ram", "GiB", "Memory"},
	{"ssd", "TiB", "Local flash"},
}

// exampleRegions: region, continent, population weight (share of user
// demand), clusters (name, size factor).
var exampleRegions = []struct {
	region, continent string
	weight            float64
	clusters          []string
	size              float64
	price             float64
}{
	{"us-east", "na", 1.0, []string{"use1-a", "use1-b", "use1-c"}, 1.0, 1.00},
	{"us-west", "na", 0.6, []string{"usw2-a", "usw2-b"}, 0.8, 1.10},
	{"us-central", "na", 0.4, []string{"usc1-a", "usc1-b"}, 0.7, 0.95},
	{"eu-west", "eu", 0.8, []string{"euw1-a", "euw1-b", "euw1-c"}, 0.9, 1.15},
	{"eu-central", "eu", 0.5, []string{"euc1-a", "euc1-b"}, 0.7, 1.20},
	{"eu-north", "eu", 0.2, []string{"eun1-a"}, 0.6, 0.90},
	{"ap-northeast", "apac", 0.6, []string{"apne1-a", "apne1-b"}, 0.8, 1.25},
	{"ap-southeast", "apac", 0.4, []string{"apse1-a", "apse1-b"}, 0.7, 1.20},
	{"ap-south", "apac", 0.5, []string{"aps1-a"}, 0.7, 1.05},
	// A user population with no clusters of its own.
	{"sa-east", "sa", 0.3, nil, 0, 0},
}

// exampleRTT gives the round trip between region pairs in ms; every pair
// of the regions above is listed.
var exampleRTT = map[[2]string]float64{
	{"us-east", "us-west"}: 62, {"us-east", "us-central"}: 28, {"us-west", "us-central"}: 40,
	{"eu-west", "eu-central"}: 18, {"eu-west", "eu-north"}: 30, {"eu-central", "eu-north"}: 25,
	{"ap-northeast", "ap-southeast"}: 70, {"ap-northeast", "ap-south"}: 110, {"ap-southeast", "ap-south"}: 40,
	{"us-east", "eu-west"}: 75, {"us-east", "eu-central"}: 90, {"us-east", "eu-north"}: 95,
	{"us-west", "eu-west"}: 135, {"us-west", "eu-central"}: 150, {"us-west", "eu-north"}: 155,
	{"us-central", "eu-west"}: 100, {"us-central", "eu-central"}: 115, {"us-central", "eu-north"}: 120,
	{"us-east", "ap-northeast"}: 160, {"us-east", "ap-southeast"}: 220, {"us-east", "ap-south"}: 200,
	{"us-west", "ap-northeast"}: 100, {"us-west", "ap-southeast"}: 165, {"us-west", "ap-south"}: 220,
	{"us-central", "ap-northeast"}: 130, {"us-central", "ap-southeast"}: 190, {"us-central", "ap-south"}: 230,
	{"eu-west", "ap-northeast"}: 220, {"eu-west", "ap-southeast"}: 160, {"eu-west", "ap-south"}: 120,
	{"eu-central", "ap-northeast"}: 230, {"eu-central", "ap-southeast"}: 155, {"eu-central", "ap-south"}: 115,
	{"eu-north", "ap-northeast"}: 240, {"eu-north", "ap-southeast"}: 175, {"eu-north", "ap-south"}: 135,
	{"sa-east", "us-east"}: 115, {"sa-east", "us-west"}: 170, {"sa-east", "us-central"}: 140,
	{"sa-east", "eu-west"}: 185, {"sa-east", "eu-central"}: 200, {"sa-east", "eu-north"}: 210,
	{"sa-east", "ap-northeast"}: 260, {"sa-east", "ap-southeast"}: 320, {"sa-east", "ap-south"}: 300,
}

// exampleService: name, priority, unit, capacity per replica, cpu, ram,
// ssd per replica, min replicas, redundancy, scope, SLO (0: none),
// allowed, min/max clusters, and total user demand (0: dependency only).
type exampleService struct {
	name                 string
	priority             string
	unit                 string
	capacity             float64
	cpu, ram, ssd        float64
	minReplicas          int
	redundancy, scope    string
	slo                  float64
	allowed              string
	minClusters, maxClus int
	demand               float64
	users                bool // demand also from sa-east
}

var exampleServices = []exampleService{
	{"web-frontend", "P0", "QPS", 500, 4, 8, 0, 2, "N+1", "region", 150, "", 0, 0, 120000, true},
	{"mobile-api", "P0", "QPS", 400, 4, 8, 0, 2, "N+1", "region", 150, "", 0, 0, 90000, true},
	{"auth", "P0", "QPS", 2000, 2, 4, 0, 2, "N+2", "continent", 0, "", 0, 0, 0, false},
	{"session-store", "P0", "ops/s", 5000, 4, 32, 0.5, 2, "N+1", "continent", 0, "", 0, 0, 0, false},
	{"user-profile", "P1", "QPS", 1500, 2, 8, 0.2, 1, "N+1", "continent", 0, "", 0, 0, 0, false},
	{"search", "P1", "QPS", 300, 8, 32, 1, 1, "N+1", "region", 80, "", 0, 0, 15000, false},
	{"search-index", "P1", "QPS", 1000, 8, 64, 4, 1, "N+1", "continent", 0, "", 0, 0, 0, false},
	{"recommendations", "P2", "QPS", 200, 8, 16, 0, 1, "N+1", "continent", 0, "", 0, 0, 0, false},
	{"ads-serving", "P1", "QPS", 800, 4, 8, 0, 1, "N+1", "region", 40, "", 0, 0, 0, false},
	{"payments", "P0", "TPS", 300, 4, 8, 0, 2, "N+2", "continent", 0, "na, eu", 0, 0, 3000, true},
	{"ledger-db", "P0", "writes/s", 2000, 8, 64, 8, 3, "N+2", "global", 0, "!apac", 0, 0, 0, false},
	{"notifications", "P2", "msgs/s", 3000, 2, 4, 0, 1, "N", "global", 0, "", 0, 0, 8000, false},
	{"email-sender", "P3", "msgs/s", 1000, 1, 2, 0, 1, "N", "global", 0, "us-east, eu-west", 0, 0, 0, false},
	{"media-transcode", "P3", "jobs", 10, 16, 32, 0.5, 1, "N", "global", 0, "", 0, 4, 600, false},
	{"cdn-origin", "P1", "Gbps", 20, 4, 16, 20, 1, "N+1", "region", 100, "", 0, 0, 2000, false},
	{"analytics-ingest", "P2", "events/s", 5000, 2, 4, 0.2, 1, "N+1", "continent", 0, "", 0, 0, 400000, false},
	{"analytics-warehouse", "P3", "events/s", 40000, 16, 128, 10, 1, "N", "global", 0, "use1-c, euw1-b", 1, 2, 0, false},
	{"chat", "P1", "sessions", 1000, 2, 8, 0, 1, "N+1", "region", 70, "", 0, 0, 60000, false},
	{"presence", "P1", "QPS", 5000, 1, 4, 0, 1, "N+1", "continent", 0, "", 0, 0, 0, false},
	{"feature-flags", "P0", "QPS", 20000, 1, 2, 0, 2, "N+2", "continent", 0, "", 0, 0, 0, false},
	{"config-store", "P0", "QPS", 10000, 2, 8, 0.1, 3, "N+2", "continent", 0, "", 0, 0, 0, false},
	{"image-resize", "P2", "QPS", 400, 4, 4, 0, 1, "N+1", "region", 100, "", 0, 0, 20000, false},
	{"geo-lookup", "P2", "QPS", 8000, 1, 4, 0, 1, "N+1", "region", 100, "", 0, 0, 0, false},
	{"fraud-scoring", "P1", "TPS", 500, 8, 16, 0, 1, "N+1", "continent", 0, "!aps1-a", 0, 0, 0, false},
	{"audit-log", "P2", "writes/s", 5000, 2, 4, 2, 1, "N+1", "continent", 0, "", 0, 0, 0, false},
	{"billing-batch", "P3", "jobs", 100, 8, 32, 0, 1, "N", "global", 0, "na", 0, 2, 400, false},
}

// exampleDependencies: service, depends on, ratio, max RTT (0: none).
var exampleDependencies = []struct {
	service, dependsOn string
	ratio, maxRTT      float64
}{
	{"web-frontend", "auth", 0.3, 80},
	{"web-frontend", "session-store", 0.5, 50},
	{"web-frontend", "user-profile", 0.2, 80},
	{"web-frontend", "recommendations", 0.2, 0},
	{"web-frontend", "ads-serving", 0.5, 40},
	{"web-frontend", "feature-flags", 1, 0},
	{"mobile-api", "auth", 0.3, 80},
	{"mobile-api", "session-store", 0.5, 50},
	{"mobile-api", "user-profile", 0.3, 80},
	{"mobile-api", "presence", 0.2, 0},
	{"mobile-api", "feature-flags", 1, 0},
	{"search", "search-index", 2, 30},
	{"recommendations", "user-profile", 0.5, 0},
	{"recommendations", "search-index", 0.5, 0},
	{"ads-serving", "geo-lookup", 1, 0},
	{"payments", "fraud-scoring", 1, 60},
	{"payments", "ledger-db", 2, 0},
	{"payments", "audit-log", 1, 0},
	{"fraud-scoring", "geo-lookup", 0.5, 0},
	{"chat", "presence", 2, 0},
	{"chat", "notifications", 0.1, 0},
	{"notifications", "email-sender", 0.05, 0},
	{"user-profile", "config-store", 0.1, 0},
	{"auth", "config-store", 0.05, 0},
	{"auth", "audit-log", 0.2, 0},
	{"analytics-ingest", "analytics-warehouse", 1, 0},
	{"image-resize", "cdn-origin", 0.01, 0},
	{"media-transcode", "cdn-origin", 0.5, 0},
	{"billing-batch", "ledger-db", 5, 0},
}

// exampleReservations: service, cluster, min, max (-1: none).
var exampleReservations = []struct {
	service, cluster string
	min, max         int
}{
	{"ledger-db", "use1-a", 3, -1},
	{"ledger-db", "euw1-a", 3, -1},
	{"payments", "use1-b", 4, -1},
	{"analytics-warehouse", "use1-c", 2, 10},
	{"search-index", "apse1-b", 0, 0},
	{"media-transcode", "eun1-a", 0, 0},
	{"config-store", "apne1-a", 3, 6},
	{"billing-batch", "usc1-a", 1, 4},
}

// Cluster supply of a size-1.0 cluster, and list prices of a price-1.0
// region (per month).
const (
	exampleCPU, exampleRAM, exampleSSD             = 3000.0, 12000.0, 1200.0
	exampleCPUCost, exampleRAMCost, exampleSSDCost = 22.0, 3.0, 45.0
)
