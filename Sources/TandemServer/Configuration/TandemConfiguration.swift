// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// How the server behaves by default: friendly for a laptop, or strict for a deployment.
public enum RunMode: String, Sendable, CaseIterable {
    /// Plain-HTTP cookies allowed, human-readable logs, the default secret tolerated.
    case development
    /// JSON logs, secure cookies, a real JWT secret required.
    case production
}

/// Every setting of a Tandem node. `Config/tandem.json` documents each one with its default.
///
/// Values come from, highest priority first: command-line flags, `TANDEM_*`
/// environment variables, the JSON file, then these defaults.
public struct TandemConfiguration: Sendable {
    /// The JWT secret used when none is configured. Refused in production mode.
    public static let developmentSecret = "tandem-development-secret-change-me-0123456789"

    public var mode: RunMode = .development

    public struct HTTP: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// Largest request body accepted, in bytes.
        public var maxBodyBytes = 1 << 20
        /// Origins allowed to open WebSockets from a browser; empty: the origins this server is
        /// reached at (``OriginPolicy``).
        public var allowedOrigins: [String] = []
        /// Close HTTP connections idle this long (slow clients cannot hold sockets): between
        /// requests, between reads of a body, and while a response cannot be written.
        public var idleTimeoutSeconds = 30
        /// From the first byte of a request to the end of its head (slowloris): past it, `408`.
        public var headTimeoutSeconds = 10
        /// From the end of a request's head to the end of its body: past it, `408`.
        public var bodyTimeoutSeconds = 60
        /// Largest request head (request line and header fields): a longer one gets `431`.
        public var maxHeadBytes = 32 << 10
        /// Requests served on one keep-alive connection; the last response says `Connection: close`.
        public var maxRequestsPerConnection = 1000
        /// Length of the listen socket's accept queue (the kernel caps it at `net.core.somaxconn`).
        public var backlog = 4096
        /// Peers (IP addresses) whose `X-Forwarded-For` is believed: the reverse proxies
        /// in front of this node. Empty: the TCP peer is the client.
        public var trustedProxies: [String] = []
    }
    public var http = HTTP()

    public struct Store: Sendable {
        /// `sqlite:PATH` (relative to the working directory), or a MongoDB connection
        /// string `mongodb://…` / `mongodb+srv://…` (docs/STORAGE.md).
        public var url = "sqlite:data/tandem.sqlite"
        /// SQLite: how long to wait for a lock.
        public var busyTimeoutMilliseconds = 5000

        /// MongoDB settings, used unless the connection string sets the same option.
        public struct Mongo: Sendable {
            /// `serverSelectionTimeoutMS`: how long a call waits for a usable server.
            public var serverSelectionTimeoutMilliseconds = 5000
            /// `socketTimeoutMS`: how long a socket read or write may block.
            public var socketTimeoutMilliseconds = 30_000
            /// `wTimeoutMS`: how long a write waits for its write concern (majority).
            public var writeConcernTimeoutMilliseconds = 10_000
            /// `maxPoolSize`: connections, and threads running driver calls.
            public var maxConnections = 8
        }
        public var mongo = Mongo()
    }
    public var store = Store()

    /// In-process purging of what is no longer needed (a 0 age keeps that kind forever).
    public struct Retention: Sendable {
        public var enabled = true
        /// When it runs: a cron expression (a repeatable job, once per tick across nodes) ...
        public var cron = "0 * * * *"
        /// ... read in this IANA time zone.
        public var timeZone = "UTC"
        /// Closed tickets not updated for this many days are deleted with their op log.
        public var closedTicketDays = 0
        /// Read notifications read this many days ago are deleted.
        public var readNotificationDays = 90
        /// Op-log entries older than this many days and more than `opLogMarginVersions`
        /// behind their ticket's snapshot are deleted.
        public var opLogDays = 30
        public var opLogMarginVersions = 1000
        /// Records deleted per transaction or round trip.
        public var batchSize = 500
        /// Completed jobs finished this many days ago are deleted (failed ones stay for the admin).
        public var completedJobDays = 7
    }
    public var retention = Retention()

    /// The job engine (docs/JOBS.md).
    public struct Jobs: Sendable {
        /// Run jobs in this process (retention and the other scheduled work need it).
        public var enabled = true
        /// Real time between looks for due jobs.
        public var pollMilliseconds = 200
        /// How long a claim holds a job without renewal; a job whose worker died runs again after it.
        public var leaseSeconds = 30
        /// Jobs of one queue running at once on this node.
        public var concurrency = 4
        /// Jobs of one queue started per second on this node; 0 for no limit.
        public var ratePerSecond = 0
        /// Serve the `test` queue (a handler that holds, then notifies): for the engine's own
        /// process-level tests; refused in production mode.
        public var testQueue = false
    }
    public var jobs = Jobs()

    public struct Auth: Sendable {
        public var jwtSecret = TandemConfiguration.developmentSecret
        public var jwtKeyID = "k1"
        public var issuer = "tandem"
        public var audience = "tandem"
        public var accessTokenSeconds = 900
        public var refreshTokenSeconds = 30 * 24 * 3600
        public var bcryptCost = 12
        public var allowSignUp = true
        /// Mark the session cookie `Secure`. Only plain-HTTP localhost development turns this off.
        public var secureCookies = true
        public var maxFailedLoginsPerAccount = 5
        public var maxFailedLoginsPerAddress = 20
        public var failedLoginWindowSeconds = 900
    }
    public var auth = Auth()

    public struct Live: Sendable {
        /// Largest WebSocket message, in bytes (larger: the connection closes with 1009).
        public var maxMessageBytes = 256 * 1024
        public var maxSubscriptions = 100
        /// Heartbeat period announced to clients and used for WebSocket pings.
        public var heartbeatSeconds = 15
        /// Sustained operations per second per user, and the burst allowed above it.
        public var opsPerSecond = 50
        public var opsBurst = 200
        /// Authenticated WebSocket connections one user may hold on a node (0: no cap).
        public var maxConnectionsPerUser = 64
        /// What the outbound queues of all of a node's connections may hold together, in bytes.
        public var outboundBudgetBytes = 512 << 20
    }
    public var live = Live()

    public struct Actors: Sendable {
        /// This node's name in subscriber addresses (unique per cluster node).
        public var node = "local"
        /// Passivate a ticket or queue with no subscribers after this many idle seconds.
        public var idleSeconds = 60
        /// Snapshot a ticket every N operations…
        public var snapshotEveryOps = 200
        /// …or when its oldest unsnapshotted operation is this old.
        public var snapshotIntervalMilliseconds = 5000
        /// Longest collaborative text, in Unicode scalars.
        public var maxTextScalars = 1 << 20
    }
    public var actors = Actors()

    public struct Replies: Sendable {
        /// A public reply by staff can be undone for this long before the customer can see it; 0: no window.
        public var undoMilliseconds = 10_000
    }
    public var replies = Replies()

    /// Running as one node of several that share the store, through Redis (docs/CLUSTER.md).
    public struct Cluster: Sendable {
        /// `redis://[[user]:password@]host[:port][/db]`; empty: a single node, everything in-process.
        public var redisURL = ""
        /// This node's id in the cluster; empty: `actors.node` if set, else `<hostname>-<pid>`.
        public var nodeID = ""
        /// How long an actor's lease lasts without renewal (renewed every third of it): about
        /// how long a dead node's tickets stay unavailable.
        public var leaseMilliseconds = 5000
        /// Presence not refreshed by a heartbeat for this long is dropped; 0: max(30 s, 3 heartbeats).
        public var presenceTTLMilliseconds = 0
        /// How long a call relayed to another node may wait for its reply.
        public var callTimeoutMilliseconds = 10_000
    }
    public var cluster = Cluster()

    /// Attachments (issue 15; docs/STORAGE.md#attachments).
    public struct Attachments: Sendable {
        /// Where the bytes live: `local` (a directory) or `gridfs` (the MongoDB store's database).
        public var storage = "local"
        /// The directory of `local` storage.
        public var directory = "data/attachments"
        /// The largest file, in bytes.
        public var maxBytes = 25 << 20
        /// The most bytes of attachments one ticket may hold.
        public var ticketQuotaBytes = 256 << 20
        /// The most pixels (width × height × frames) an image may declare for a thumbnail.
        public var maxImagePixels = 50_000_000
        /// Sniffed types accepted; empty: every type not denied.
        public var allowedTypes: [String] = []
        /// Sniffed types refused (415), whatever `allowedTypes` says.
        public var deniedTypes = [
            "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/javascript",
            "application/javascript", "application/x-executable", "application/x-pie-executable", "application/x-sharedlib",
            "application/x-dosexec", "application/x-mach-binary", "application/x-empty",
        ]
    }
    public var attachments = Attachments()

    public struct Log: Sendable {
        public var level = "info"
        /// `text` or `json`; production defaults to `json`.
        public var format = "text"
    }
    public var log = Log()

    public struct Web: Sendable {
        /// Folder with the built web client.
        public var root = "Web/dist"
    }
    public var web = Web()

    public struct Metrics: Sendable {
        /// The bearer token `/metrics` asks for; empty: open in development mode, off in production mode.
        public var token = ""
    }
    public var metrics = Metrics()

    /// Outgoing e-mail (docs/EMAIL.md).
    public struct Mail: Sendable {
        /// `smtp://host[:port]` or `smtps://host[:port]`; empty: no SMTP server, mail stays in the outbox.
        public var smtpURL = ""
        public var username = ""
        public var password = ""
        /// `none`, `opportunistic`, `required` (STARTTLS) or `implicit` (TLS from the first byte).
        public var tls = "required"
        /// PEM CA certificates to trust for the SMTP server instead of the system's; empty: the system's.
        public var caFile = ""
        public var from = "tandem@localhost"
        public var fromName = "Tandem"
        /// The base of links in e-mails (`https://help.example.com`); empty: `http://{http.host}:{http.port}`.
        public var publicURL = ""
        /// Attempts before an entry is given up as `failed`.
        public var maxAttempts = 10
        /// The first retry's delay; each next one doubles, up to `retryMaxSeconds`.
        public var retryBaseSeconds = 30
        public var retryMaxSeconds = 3600
        /// How often the sender looks for due mail.
        public var pollMilliseconds = 1000
        /// The whole SMTP transfer of one message.
        public var timeoutSeconds = 60
        /// How long a sign-up confirmation link is valid.
        public var signUpLinkSeconds = 86_400

        /// Whether an SMTP server is configured.
        public var sends: Bool { !smtpURL.isEmpty }
    }
    public var mail = Mail()

    public init() {}
}
