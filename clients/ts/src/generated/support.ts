// Generated from docs/api/support.openapi.json by clients/ts/generate.mjs (openapi-typescript). Do not edit.

export interface paths {
    "/api/analytics/docs-effectiveness": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Documentation effectiveness
         * @description The 100 most viewed articles with their helpful marks, all time; the trend compares this month's effectiveness with last month's.
         */
        get: operations["getDocsEffectiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/planes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Issues by plane
         * @description Issues per primary plane, every plane listed. Beyond the document: it takes `startDate` and `endDate` as the summary does.
         */
        get: operations["getPlaneDistribution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Dashboard summary
         * @description From counters kept on write (all time without dates). `totalIssues` and `openIssues` count the issues created between the bounds as `GET /issues` counts them; resolutions and help sessions are per whole UTC day. "This month" is the month to date of the period's last day, compared with the same days of the month before.
         */
        get: operations["getAnalyticsSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Chat with the assistant (streamed)
         * @description The conversation so far, the user's message last (at most 32,000 characters in all); the assistant's answer streams. Server-sent events, one `data:` line and a blank line each, JSON without spaces: `{"type":"text","content"}` as the assistant writes, `{"type":"tool_call","name":"searchDocs","args"}` when it searches the documentation, `{"type":"tool_result","content":[{"title","url"}]}` with the articles found, and always last `data: [DONE]`. Beyond the document: an answer that breaks off sends `{"type":"error","error":{"code","message","details"}}` (the error envelope's body: RATE_LIMITED when the model is throttled, else INTERNAL_ERROR) before `[DONE]`; what came before it stands. Everything that refuses a request (token, rate limit, body) answers before the stream starts, as JSON in the error envelope. 10 requests a minute per user.
         */
        post: operations["chat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List customers
         * @description Every customer of the caller's tenant, by name.
         */
        get: operations["listCustomers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/customers/{customer_id}/environments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a customer's environments
         * @description By name. Another tenant's customer, or an id that is not a UUID, is 404.
         */
        get: operations["listEnvironments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/docs/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record documentation feedback
         * @description `docUrl` must be an article under https://happycloud.com/docs/, and `issueId` and `context.customerId`, when given, the tenant's (each refusal a 400 naming the field). Beyond the document: the answer's status is 201.
         */
        post: operations["recordDocFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/docs/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Search documentation
         * @description The articles that best match `query`, only the plane's with `planeSlug`. Counts as help activity (the self-resolution rate) and each article shown as a view. 30 requests a minute per user.
         */
        post: operations["searchDocs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Subscribe to issue events
         * @description Beyond the document: the tenant's issue events as server-sent events, for live lists. Each is `id: <n>`, `event: issue.created` or `event: issue.updated` and `data:` the issue as `GET /api/issues` lists it (with `updatedAt` on issue.updated). The stream opens with `retry: 1000`, sends a `: hb` comment while idle (every 30 s by default), starts at the present and ends before the function's time limit; reconnect with the last id seen (`Last-Event-ID`) to miss nothing. Not metered by the per-user limit: only API Gateway's stage throttle answers 429.
         */
        get: operations["streamIssueEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List issues
         * @description The tenant's issues matching every filter given, newest first, a page at a time.
         */
        get: operations["listIssues"];
        put?: never;
        /**
         * Create issue
         * @description Status `open`, numbered `ISS-<year>-<nnnn>` per tenant. The environment must be the customer's, the secondary planes other than the primary, and each context a field of one of the issue's planes, given once, with a value that fits it (an option's value, several for a multi-select, text otherwise); every required field of those planes must be given. Each refusal is a 400 naming its field (`contexts[0].value`, `contexts.pipeline_stage`). Unknown fields are ignored. Beyond the document: the answer's status is 201.
         */
        post: operations["createIssue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/issues/{issue_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get issue */
        get: operations["getIssue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update issue
         * @description Any of `status`, `title`, `description` and `pipelineUrl` (null or `""` clears the link); another field, an empty body, or null for the others is 400. Status moves: any status may follow any other (resolved stamps the resolution time, open and in_progress clear it, closed keeps it); the issue's own status is a 200 that changes nothing. A concurrent change of the same issue is 409.
         */
        patch: operations["updateIssue"];
        trace?: never;
    };
    "/api/planes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List planes
         * @description Every plane of the tenant, by name, with the context fields an issue on it fills in.
         */
        get: operations["listPlanes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Swagger UI
         * @description Interactive documentation of this document; Try it out calls the API.
         */
        get: operations["getSwaggerUi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI document */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/redoc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** ReDoc */
        get: operations["getRedoc"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** ChatMessageIn */
        ChatMessageIn: {
            /** Content */
            content: string;
            /**
             * Role
             * @enum {string}
             */
            role: "user" | "assistant";
        };
        /** ChatRequest */
        ChatRequest: {
            /** Messages */
            messages: components["schemas"]["ChatMessageIn"][];
        };
        /** ContextOption */
        ContextOption: {
            /**
             * label
             * @description What a person reads (and what an issue shows for the value).
             */
            label: string;
            /**
             * value
             * @description What an issue sends as the context's `value`.
             */
            value: string;
        };
        /** ContextValue */
        ContextValue: {
            /**
             * Planecontextid
             * Format: uuid
             */
            planeContextId: string;
            /**
             * Value
             * @description An option's value of the context (a list of one or more of them for a multi-select field), or the text of a text field: 1 to 2,000 characters once trimmed. Anything else is a 400 naming `contexts[<index>].value`
             */
            value: string | string[];
        };
        /**
         * CreatedIssue
         * @description A new issue: status `open`, numbered per tenant and year.
         */
        CreatedIssue: {
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /**
             * displayId
             * @description `ISS-<year>-<number>`, the number at least four digits.
             */
            displayId: string;
            /** id */
            id: string;
            /**
             * status
             * @constant
             */
            status: "open";
            /** title */
            title: string;
        };
        /** CreatedIssueAnswer */
        CreatedIssueAnswer: {
            /** issue */
            issue: components["schemas"]["CreatedIssue"];
        };
        /** CreateIssueRequest */
        CreateIssueRequest: {
            /** Contexts */
            contexts?: components["schemas"]["ContextValue"][];
            /**
             * Customerid
             * Format: uuid
             */
            customerId: string;
            /** Description */
            description: string;
            /**
             * Environmentid
             * Format: uuid
             */
            environmentId: string;
            /**
             * Pipelineurl
             * @default null
             */
            pipelineUrl?: string | null;
            /**
             * Primaryplaneid
             * Format: uuid
             */
            primaryPlaneId: string;
            /** Secondaryplaneids */
            secondaryPlaneIds?: string[];
            /** Submitterhandle */
            submitterHandle: string;
            /** Title */
            title: string;
        };
        /** Customer */
        Customer: {
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /** id */
            id: string;
            /** name */
            name: string;
        };
        /**
         * CustomerList
         * @description Every customer of the caller's tenant, by name.
         */
        CustomerList: {
            /** customers */
            customers: components["schemas"]["Customer"][];
        };
        /** DocEffectiveness */
        DocEffectiveness: {
            /**
             * effectiveness
             * @description Helpful marks per view (two decimals).
             */
            effectiveness: number;
            /** helpfulMarks */
            helpfulMarks: number;
            /** title */
            title: string;
            /**
             * trend
             * @description This month's effectiveness against last month's; `flat` within 5 points.
             * @enum {string}
             */
            trend: "up" | "down" | "flat";
            /** type */
            type: components["schemas"]["DocType"];
            /** url */
            url: string;
            /**
             * views
             * @description Times the article was shown (search results, chat citations), all time.
             */
            views: number;
        };
        /** DocFeedbackRequest */
        DocFeedbackRequest: {
            /** @default null */
            context?: components["schemas"]["FeedbackContext"] | null;
            /**
             * Doctype
             * @enum {string}
             */
            docType: "how-to" | "reference" | "tutorial" | "troubleshooting";
            /** Docurl */
            docUrl: string;
            /** Helpful */
            helpful: boolean;
            /**
             * Issueid
             * @default null
             */
            issueId?: string | null;
        };
        /** DocSearchRequest */
        DocSearchRequest: {
            /**
             * Limit
             * @default 5
             */
            limit?: number;
            /**
             * Planeslug
             * @default null
             */
            planeSlug?: string | null;
            /** Query */
            query: string;
        };
        /**
         * DocsEffectiveness
         * @description The most viewed articles (at most 100), then by effectiveness.
         */
        DocsEffectiveness: {
            /** docs */
            docs: components["schemas"]["DocEffectiveness"][];
        };
        /**
         * DocType
         * @enum {string}
         */
        DocType: "how-to" | "reference" | "tutorial" | "troubleshooting";
        /** Environment */
        Environment: {
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /** id */
            id: string;
            /** name */
            name: string;
            /**
             * type
             * @description What the environment is for, as the catalog names it (`qa`, `staging`, `production`, ...).
             */
            type: string;
        };
        /**
         * EnvironmentList
         * @description The customer's environments, by name.
         */
        EnvironmentList: {
            /** environments */
            environments: components["schemas"]["Environment"][];
        };
        /**
         * EnvironmentReference
         * @description The environment an issue names, as it was when the issue was filed.
         */
        EnvironmentReference: {
            /** id */
            id: string;
            /** name */
            name: string;
            /** type */
            type: string;
        };
        /**
         * Error
         * @description Every error: `{"error": {"code", "message", "details"}}`.
         */
        Error: {
            /** error */
            error: components["schemas"]["ErrorBody"];
        };
        /** ErrorBody */
        ErrorBody: {
            /**
             * code
             * @enum {string}
             */
            code: "VALIDATION_ERROR" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED" | "INTERNAL_ERROR";
            /**
             * details
             * @description What is wrong with each field; empty when the error names no field.
             */
            details: components["schemas"]["FieldProblem"][];
            /** message */
            message: string;
        };
        /** FeedbackContext */
        FeedbackContext: {
            /**
             * Customerid
             * @default null
             */
            customerId?: string | null;
            /**
             * Planeslug
             * @default null
             */
            planeSlug?: string | null;
        };
        /** FeedbackRecorded */
        FeedbackRecorded: {
            /** feedbackId */
            feedbackId: string;
            /**
             * success
             * @constant
             */
            success: true;
        };
        /** FieldProblem */
        FieldProblem: {
            /**
             * field
             * @description The field (`contexts[0].value`), query parameter or header (`Last-Event-ID`) refused; `body` for the body
             *     as a whole.
             */
            field: string;
            /** message */
            message: string;
        };
        /**
         * FieldType
         * @enum {string}
         */
        FieldType: "single_select" | "multi_select" | "text";
        /** IssueAnswer */
        IssueAnswer: {
            /** issue */
            issue: components["schemas"]["IssueDetail"];
        };
        /**
         * IssueContext
         * @description A context value of the issue.
         */
        IssueContext: {
            /** key */
            key: string;
            /** label */
            label: string;
            /**
             * value
             * @description What a person reads: the option's label for a select field (labels joined by `, ` for a multi-select),
             *     the text itself otherwise.
             */
            value: string;
        };
        /**
         * IssueDetail
         * @description An issue with everything it holds.
         */
        IssueDetail: {
            /** contexts */
            contexts: components["schemas"]["IssueContext"][];
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /** customer */
            customer: components["schemas"]["Reference"];
            /** description */
            description: string;
            /** displayId */
            displayId: string;
            /** environment */
            environment: components["schemas"]["EnvironmentReference"];
            /** id */
            id: string;
            /**
             * pipelineUrl
             * @description An http(s) link; null when none was given (or it was cleared).
             */
            pipelineUrl: string | null;
            /** primaryPlane */
            primaryPlane: components["schemas"]["Reference"];
            /** secondaryPlanes */
            secondaryPlanes: components["schemas"]["Reference"][];
            /** status */
            status: components["schemas"]["IssueStatus"];
            /** submitterHandle */
            submitterHandle: string;
            /** title */
            title: string;
            /**
             * updatedAt
             * Format: date-time
             */
            updatedAt: string;
        };
        /**
         * IssueList
         * @description One page of the tenant's issues matching the filters, newest first.
         */
        IssueList: {
            /** issues */
            issues: components["schemas"]["IssueSummary"][];
            /** pagination */
            pagination: components["schemas"]["Pagination"];
        };
        /**
         * IssueStatus
         * @enum {string}
         */
        IssueStatus: "open" | "in_progress" | "resolved" | "closed";
        /**
         * IssueSummary
         * @description An issue as lists show it.
         */
        IssueSummary: {
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /** customer */
            customer: components["schemas"]["Reference"];
            /** displayId */
            displayId: string;
            /** environment */
            environment: components["schemas"]["EnvironmentReference"];
            /** id */
            id: string;
            /** primaryPlane */
            primaryPlane: components["schemas"]["Reference"];
            /** status */
            status: components["schemas"]["IssueStatus"];
            /** title */
            title: string;
        };
        /** Pagination */
        Pagination: {
            /**
             * limit
             * @description The page size used (the `limit` asked for, or the default).
             */
            limit: number;
            /** page */
            page: number;
            /**
             * total
             * @description Issues matching the filters, on every page.
             */
            total: number;
            /**
             * totalPages
             * @description 0 when nothing matches.
             */
            totalPages: number;
        };
        /** Plane */
        Plane: {
            /** contexts */
            contexts: components["schemas"]["PlaneContext"][];
            /** description */
            description: string;
            /** id */
            id: string;
            /** name */
            name: string;
            /**
             * slug
             * @description What documentation search and feedback name the plane by (`planeSlug`).
             */
            slug: string;
        };
        /**
         * PlaneContext
         * @description A field an issue on the plane fills in.
         */
        PlaneContext: {
            /**
             * fieldType
             * @description `single_select` takes one option's value, `multi_select` one or more (a list), `text` any text.
             */
            fieldType: components["schemas"]["FieldType"];
            /**
             * id
             * @description The `planeContextId` an issue's context names.
             */
            id: string;
            /**
             * isRequired
             * @description An issue on the plane (primary or secondary) must give it.
             */
            isRequired: boolean;
            /** key */
            key: string;
            /** label */
            label: string;
            /**
             * options
             * @description The values a select field allows; empty for `text`.
             */
            options: components["schemas"]["ContextOption"][];
        };
        /**
         * PlaneDistribution
         * @description Every plane of the tenant, most issues first (then by name).
         */
        PlaneDistribution: {
            /** distribution */
            distribution: components["schemas"]["PlaneShare"][];
        };
        /**
         * PlaneList
         * @description Every plane of the caller's tenant, by name, with its context fields.
         */
        PlaneList: {
            /** planes */
            planes: components["schemas"]["Plane"][];
        };
        /** PlaneShare */
        PlaneShare: {
            /**
             * changeVsLastMonth
             * @description Percent change of this month to date against the same days of last month.
             */
            changeVsLastMonth: number;
            /**
             * count
             * @description Issues filed in the period with this primary plane.
             */
            count: number;
            /**
             * plane
             * @description The plane's name.
             */
            plane: string;
        };
        /**
         * Reference
         * @description A customer or plane an issue names: its id and name as they were when the issue was filed.
         */
        Reference: {
            /** id */
            id: string;
            /** name */
            name: string;
        };
        /** SearchResult */
        SearchResult: {
            /**
             * excerpt
             * @description The passage of the article that matched.
             */
            excerpt: string;
            /**
             * plane
             * @description The plane's display name.
             */
            plane: string;
            /**
             * relevance
             * @description How well the article matches, 0 to 1 (rounded to two decimals).
             */
            relevance: number;
            /** title */
            title: string;
            /** type */
            type: components["schemas"]["DocType"];
            /** url */
            url: string;
        };
        /**
         * SearchResults
         * @description The most relevant articles, best first (at most `limit`).
         */
        SearchResults: {
            /** results */
            results: components["schemas"]["SearchResult"][];
        };
        /** Summary */
        Summary: {
            /**
             * avgResolutionTime
             * @description Hours from filing to resolution, over the issues resolved in the period (one decimal; 0 without any).
             */
            avgResolutionTime: number;
            /**
             * openIssues
             * @description Of those, the ones still `open` or `in_progress`.
             */
            openIssues: number;
            /**
             * resolvedThisMonth
             * @description Issues resolved this month to date.
             */
            resolvedThisMonth: number;
            /**
             * selfResolutionRate
             * @description The share of help sessions (doc searches and chats) started in the period that no issue followed.
             */
            selfResolutionRate: number;
            /**
             * totalIssues
             * @description Issues filed in the period (all time without dates).
             */
            totalIssues: number;
            /** trends */
            trends: components["schemas"]["Trends"];
        };
        /** SummaryAnswer */
        SummaryAnswer: {
            /** summary */
            summary: components["schemas"]["Summary"];
        };
        /**
         * Trends
         * @description Whole-number percent changes, this month to date against the same days of last month (from 0 to
         *     something is +100, from 0 to 0 is 0).
         */
        Trends: {
            /** issuesVsLastMonth */
            issuesVsLastMonth: number;
            /** resolutionTimeVsLastMonth */
            resolutionTimeVsLastMonth: number;
            /** selfResolutionVsLastMonth */
            selfResolutionVsLastMonth: number;
        };
        /**
         * UpdatedIssue
         * @description The issue's status and time of change after the update (unchanged when nothing changed).
         */
        UpdatedIssue: {
            /** id */
            id: string;
            /** status */
            status: components["schemas"]["IssueStatus"];
            /**
             * updatedAt
             * Format: date-time
             */
            updatedAt: string;
        };
        /** UpdatedIssueAnswer */
        UpdatedIssueAnswer: {
            /** issue */
            issue: components["schemas"]["UpdatedIssue"];
        };
        /**
         * UpdateIssueRequest
         * @description Only what a user may change. Anything else (displayId, customerId, createdAt, ...) is refused by name.
         */
        UpdateIssueRequest: {
            /** Description */
            description?: string;
            /** Pipelineurl */
            pipelineUrl?: string | null;
            /** Status */
            status?: components["schemas"]["IssueStatus"];
            /** Title */
            title?: string;
        };
    };
    responses: {
        /** @description VALIDATION_ERROR: invalid request data (`details` names the fields) */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description CONFLICT: a concurrent change of the same issue */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description FORBIDDEN: the user belongs to no tenant */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description INTERNAL_ERROR */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description NOT_FOUND: not the caller's tenant's (or nothing has that id) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description RATE_LIMITED: past the per-user limit (retry after `Retry-After` seconds), or throttled */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description UNAUTHORIZED: missing or invalid token */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The URL and headers are larger than the gateway takes (10,240 bytes) */
        UriTooLong: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Seconds to wait before retrying */
        "Retry-After": number;
        /** @description Requests allowed in the current window */
        "X-RateLimit-Limit": number;
        /** @description Requests left in the current window */
        "X-RateLimit-Remaining": number;
        /** @description The epoch second the current window ends */
        "X-RateLimit-Reset": number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getDocsEffectiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocsEffectiveness"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getPlaneDistribution: {
        parameters: {
            query?: {
                /** @description Only issues up to this moment (inclusive, to its millisecond), as `startDate`; a date includes its whole day. Before `startDate` is 400 */
                endDate?: string;
                /** @description Only issues from this moment (inclusive): an ISO 8601 date (its midnight UTC) or date-time (UTC when it names no offset) */
                startDate?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlaneDistribution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getAnalyticsSummary: {
        parameters: {
            query?: {
                /** @description Only issues and help sessions up to this moment (inclusive, to its millisecond), as `startDate`; a date includes its whole day. Before `startDate` is 400 */
                endDate?: string;
                /** @description Only issues and help sessions from this moment (inclusive): an ISO 8601 date (its midnight UTC) or date-time (UTC when it names no offset) */
                startDate?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SummaryAnswer"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    chat: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": {
                        /** @description The event as JSON */
                        data: string;
                        /** @description The event's type */
                        event?: string;
                        /** @description The event's number: send it back as `Last-Event-ID` to resume */
                        id?: string;
                        retry?: number;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    listCustomers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    listEnvironments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A customer of the caller's tenant (a UUID) */
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    recordDocFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DocFeedbackRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackRecorded"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    searchDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DocSearchRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchResults"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    streamIssueEvents: {
        parameters: {
            query?: {
                /** @description `Last-Event-ID` for clients that cannot set headers */
                lastEventId?: string;
            };
            header?: {
                /** @description Resume after this event (an `id:` the stream sent; else 400) */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": {
                        /** @description The event as JSON */
                        data: string;
                        /** @description The event's type */
                        event?: string;
                        /** @description The event's number: send it back as `Last-Event-ID` to resume */
                        id?: string;
                        retry?: number;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    listIssues: {
        parameters: {
            query?: {
                /** @description Only this customer's issues (a UUID, else 400) */
                customerId?: string;
                /** @description Only issues created up to this moment (inclusive, to its millisecond), as `startDate`; a date includes its whole day. Before `startDate` is 400 */
                endDate?: string;
                /** @description Issues per page (max: 100; a larger value is a 400) */
                limit?: number;
                /** @description Page number, from 1. A page past the end is empty; pages are read 10,000 issues deep ((page - 1) x limit below 10,000; deeper, in a list that long, is a 400: narrow it with filters) */
                page?: number;
                /** @description Only issues with this primary plane (a UUID, else 400) */
                planeId?: string;
                /** @description Only issues created from this moment (inclusive): an ISO 8601 date (its midnight UTC) or date-time (UTC when it names no offset) */
                startDate?: string;
                /** @description Only issues in this status */
                status?: components["schemas"]["IssueStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssueList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    createIssue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateIssueRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedIssueAnswer"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getIssue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An issue of the caller's tenant (its `id`, a UUID) */
                issue_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssueAnswer"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    updateIssue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An issue of the caller's tenant (its `id`, a UUID) */
                issue_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateIssueRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdatedIssueAnswer"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    listPlanes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlaneList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getSwaggerUi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getRedoc: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
}
