// Generated from docs/api/helpdesk.openapi.json by clients/ts/generate.mjs (openapi-typescript). Do not edit.

export interface paths {
    "/csat/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Satisfaction survey form
         * @description The form (or a thank-you page once answered). The token is the credential; it works for 30 days.
         */
        get: operations["getSurvey"];
        put?: never;
        /**
         * Answer the survey
         * @description Once per survey: a used survey is 400 `{"error": ...}`, a score other than good or bad is 400 naming `score`, an unknown or expired token 404. A browser posting the form (Accept naming text/html before JSON) gets the same statuses with HTML pages.
         */
        post: operations["answerSurvey"];
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
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Subscribe to helpdesk events
         * @description Server-sent events of the caller's tenant: `ticket_created` and `ticket_updated` (`data`: the Ticket; an SLA breach the scheduled check records adds `breach` {kind, due_at, at}), and `queue_changed` for the `admin` group only (`data`: ticket_id, number, team_id, assignee_id, `previous` queue or null, status). Each event is `id: <n>`, `event: <type>`, `data: <JSON>`; a `:hb` comment comes about every 30 s while idle. A fresh connection starts at the present; the stream ends before the function's time limit with a `retry:` hint, and the client reconnects with `Last-Event-ID`.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/exports/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export tickets as CSV (agent role)
         * @description Role: `agent` or above (else 403). Agent role (else 403). Writes the CSV (RFC 4180, UTF-8, one row per ticket in the order given, `sla` flattened) of 1 to 1000 ticket ids to the exports bucket and answers a download link. An id the tenant does not have is 400 naming `ids[i]`.
         */
        post: operations["exportTickets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health
         * @description The process answers.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/livez": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description The process answers.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in (cookie session)
         * @description Signs in through Cognito and sets the session cookie, which later requests may send instead of a bearer token. The body must be `application/json` (else 400: a form from another site could sign the browser in to another account). Wrong and unknown credentials are the same 401; Cognito's throttle is 429 with `Retry-After`. 404 when the stage's cookie login is off (the document's local mode only).
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out (cookie session)
         * @description Clears the session cookie and ends its session: a kept copy of the cookie is refused from then on (401). Other sign-ins of the same user stay signed in. 404 when the stage's cookie login is off (the document's local mode only).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current user
         * @description From the verified token.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Prometheus text exposition 0.0.4 of what needs no tenant's data: the build, the serving process and the scheduled SLA check's runs and recorded breaches.
         */
        get: operations["getPrometheusMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics/resolution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Average resolution time (agent role)
         * @description Role: `agent` or above (else 403). Agent role (else 403).
         */
        get: operations["getResolutionMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics/sla": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * SLA attainment (agent role)
         * @description Role: `agent` or above (else 403). Agent role (else 403).
         */
        get: operations["getSlaMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tickets created per day (agent role)
         * @description Role: `agent` or above (else 403). Agent role (else 403). The last 30 UTC days, today included.
         */
        get: operations["getTicketMetrics"];
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
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description The process can also read its tables and the user pool's signing keys (without which no token is verified); otherwise 500 `{"error": "Not ready: ..."}`.
         */
        get: operations["getReadiness"];
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
    "/requesters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create requester
         * @description An email another requester of the tenant has (case ignored) is 400 naming `email`.
         */
        post: operations["createRequester"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/requesters/{requester_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get requester */
        get: operations["getRequester"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update requester
         * @description At least one field; null and any other field are 400, a taken email too.
         */
        patch: operations["updateRequester"];
        trace?: never;
    };
    "/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tickets
         * @description The tenant's tickets, newest first. An unknown filter value is 400.
         */
        get: operations["listTickets"];
        put?: never;
        /**
         * Create ticket
         * @description Status `open`, numbered per tenant. `requester_id` must be a requester of the tenant (else 400). Beyond the document: `source` (agents only; default `web` with the session cookie, `api` with a bearer token).
         */
        post: operations["createTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get ticket */
        get: operations["getTicket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update ticket (agent role)
         * @description Role: `agent` or above (else 403). At least one field; null clears the optional ones. Beyond the document: `team_id`. `assignee_id` is the id (`/me`'s `id`) of a user of the tenant (else 400). Status moves between any two of open, pending, resolved and closed (open or pending reopens a resolved or closed ticket). Resolving mails the requester the satisfaction survey (`/csat/{token}`) where the stage sends mail.
         */
        patch: operations["updateTicket"];
        trace?: never;
    };
    "/tickets/{ticket_id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List attachments
         * @description Oldest first; a ticket holds at most 100.
         */
        get: operations["listAttachments"];
        put?: never;
        /**
         * Confirm an upload
         * @description Records the attachment once S3 holds exactly the declared size and type (an object that differs is deleted: 400 naming what differs). Confirming again answers the same id.
         */
        post: operations["confirmAttachment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/attachments/{attachment_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete attachment
         * @description Its uploader or an agent (else 403); the file goes too.
         */
        delete: operations["deleteAttachment"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/attachments/presign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Presign an upload
         * @description Checks the declared file (at most 25 MiB by default; images, PDF, text, CSV, Markdown, JSON, archives, mail and office documents, and any other file as `application/octet-stream`; no pages, scripts or programs by name; without `mime` the type is the one the extension names, else `application/octet-stream`) and answers a URL for one S3 PUT of exactly that file, with the headers to send.
         */
        post: operations["presignAttachment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List comments
         * @description Oldest first; internal comments for agents only.
         */
        get: operations["listComments"];
        put?: never;
        /**
         * Add comment
         * @description All three fields are required. `author_id` is the caller's own id (`GET /me`); an agent may name a requester of the tenant (a public comment written for them). Internal comments are for agents. An agent's first public comment stops the first-response SLA clock.
         */
        post: operations["addComment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/watchers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List watchers */
        get: operations["listWatchers"];
        put?: never;
        /**
         * Add watcher
         * @description Agents add any user of the tenant (`/me`'s `id`); others only themselves (else 400 naming `user_id`). Adding a watcher again changes nothing.
         */
        post: operations["addWatcher"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/watchers/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove watcher
         * @description Agents remove anyone; others only themselves (else 400). A user not watching is a 200 that changes nothing.
         */
        delete: operations["removeWatcher"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AddWatcherRequest */
        AddWatcherRequest: {
            /** User Id */
            user_id: string;
        };
        /** Attachment */
        Attachment: {
            /** Bytes */
            bytes: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Filename
             * @description As shown: without a path or control characters.
             */
            filename: string;
            /** Id */
            id: string;
            /**
             * Mime
             * @description As given, else the type the file's extension names, else `application/octet-stream`.
             */
            mime: string;
        };
        /**
         * AttachmentConfirm
         * @description Confirm's body `{attachment_id, filename, bytes, mime?}`: what presign was given, and its id.
         */
        AttachmentConfirm: {
            /**
             * Attachment Id
             * Format: uuid
             */
            attachment_id: string;
            /** Bytes */
            bytes: number;
            /** Filename */
            filename: string;
            /**
             * Mime
             * @default null
             */
            mime?: string | null;
        };
        /**
         * AttachmentUpload
         * @description Presign's body `{filename, bytes, mime?}`.
         */
        AttachmentUpload: {
            /** Bytes */
            bytes: number;
            /** Filename */
            filename: string;
            /**
             * Mime
             * @default null
             */
            mime?: string | null;
        };
        /** Comment */
        Comment: {
            /**
             * Author Id
             * @description The writer's user id, or a requester's id (an agent writing for a requester).
             */
            author_id: string;
            /** Body Md */
            body_md: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Id */
            id: string;
            /**
             * Is Internal
             * @description Agents' notes: only agents see them.
             */
            is_internal: boolean;
            /** Ticket Id */
            ticket_id: string;
        };
        /** CreateCommentRequest */
        CreateCommentRequest: {
            /** Author Id */
            author_id: string;
            /** Body Md */
            body_md: string;
            /** Is Internal */
            is_internal: boolean;
        };
        /**
         * Created
         * @description The id of what was created (a comment, a confirmed attachment).
         */
        Created: {
            /** Id */
            id: string;
        };
        /**
         * CreatedTicket
         * @description A new ticket (`POST /tickets`): always `open`.
         */
        CreatedTicket: {
            /** Id */
            id: string;
            /** Number */
            number: number;
            /**
             * Status
             * @constant
             */
            status: "open";
        };
        /** CreateRequesterRequest */
        CreateRequesterRequest: {
            /** Display Name */
            display_name: string;
            /**
             * Email
             * Format: email
             */
            email: string;
        };
        /** CreateTicketRequest */
        CreateTicketRequest: {
            /**
             * Category
             * @default null
             */
            category?: string | null;
            /** Custom Json */
            custom_json?: {
                [key: string]: unknown;
            };
            /** Description */
            description: string;
            /**
             * Priority
             * @enum {string}
             */
            priority: "low" | "normal" | "high" | "urgent";
            /**
             * Requester Id
             * Format: uuid
             */
            requester_id: string;
            /**
             * Source
             * @default null
             */
            source?: ("api" | "web" | "email") | null;
            /**
             * Subcategory
             * @default null
             */
            subcategory?: string | null;
            /** Title */
            title: string;
            /**
             * Urgency
             * @default null
             */
            urgency?: number | null;
        };
        /**
         * CsatAnswer
         * @description The survey's answer as opsdesk.helpdesk.csat.parse_score reads it: a form post (`score=good`) or JSON
         *     (`{"score": "good"}`); other fields are ignored.
         */
        CsatAnswer: {
            /**
             * Score
             * @enum {string}
             */
            score: "good" | "bad";
        };
        /**
         * Error
         * @description Every error: `{"error": "message"}`, or `{"errors": {"field": "message"}}` for validation.
         */
        Error: components["schemas"]["ErrorMessage"] | components["schemas"]["FieldErrors"];
        /** ErrorMessage */
        ErrorMessage: {
            /** Error */
            error: string;
        };
        /** Export */
        Export: {
            /**
             * Url
             * @description A presigned download link to the CSV, valid for a few minutes.
             */
            url: string;
        };
        /**
         * ExportTicketsRequest
         * @description `{ids: [uuid]}`: 1 to 1000 ticket ids (a bad one is reported as `ids[i]`).
         */
        ExportTicketsRequest: {
            /** Ids */
            ids: string[];
        };
        /**
         * FieldErrors
         * @description A validation error: each refused field (`ids[3]`, `Content-Type`, `body`...) with what is wrong with it.
         */
        FieldErrors: {
            /** Errors */
            errors: {
                [key: string]: string;
            };
        };
        /**
         * LoginRequest
         * @description `POST /login` of the helpdesk document: `{username, password}`.
         */
        LoginRequest: {
            /** Password */
            password: string;
            /** Username */
            username: string;
        };
        /**
         * Me
         * @description The caller, from their verified token.
         */
        Me: {
            /**
             * Display Name
             * @description The `name` claim, else the email's local part, else the sign-in name.
             */
            display_name: string;
            /**
             * Email
             * @description The `email` claim, else the sign-in name when it is an email address; null when neither is.
             */
            email: string | null;
            /**
             * External Id
             * @description The sign-in name at the identity provider.
             */
            external_id: string;
            /**
             * Id
             * @description The user's id everywhere in the API (assignee_id, author_id, watchers): the Cognito `sub`.
             */
            id: string;
            /**
             * Roles
             * @description The user's groups, sorted (`agent` and `admin` have the agent role).
             */
            roles: string[];
        };
        /**
         * Ok
         * @description Done (`{"ok": true}`).
         */
        Ok: {
            /**
             * Ok
             * @constant
             */
            ok: true;
        };
        /** PresignedUpload */
        PresignedUpload: {
            /**
             * Attachment Id
             * @description The id to confirm the upload with.
             */
            attachment_id: string;
            headers: components["schemas"]["UploadHeaders"];
            /**
             * Upload Url
             * @description A URL for one PUT of exactly the declared file, valid for a few minutes.
             */
            upload_url: string;
        };
        /** Requester */
        Requester: {
            /** Display Name */
            display_name: string;
            /** Email */
            email: string;
            /** Id */
            id: string;
        };
        /** ResolutionMetrics */
        ResolutionMetrics: {
            /**
             * Avg Resolution Ms
             * @description Mean time from creation to resolution of the resolved tickets; 0 when none.
             */
            avg_resolution_ms: number;
        };
        /**
         * SlaMetrics
         * @description Resolved tickets (all time) and those resolved within both SLA targets.
         */
        SlaMetrics: {
            /** Met */
            met: number;
            /**
             * Sla Attainment
             * @description met / total, to 4 places; 0 when nothing was resolved.
             */
            sla_attainment: number;
            /** Total */
            total: number;
        };
        /**
         * Ticket
         * @description The document's Ticket; the optional fields are left out when unset.
         */
        Ticket: {
            /** Assignee Id */
            assignee_id?: string;
            /** Category */
            category?: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Custom Json */
            custom_json: {
                [key: string]: unknown;
            };
            /** Description */
            description: string;
            /**
             * Due At
             * Format: date-time
             * @description The agent's own due date, not the SLA's (those are in `sla`).
             */
            due_at?: string;
            /** Id */
            id: string;
            /**
             * Number
             * @description Per tenant, from 1.
             */
            number: number;
            /**
             * Priority
             * @enum {string}
             */
            priority: "low" | "normal" | "high" | "urgent";
            /** Requester Id */
            requester_id: string;
            /**
             * Scheduled At
             * Format: date-time
             */
            scheduled_at?: string;
            /** @description Always present (the document marks it optional). */
            sla: components["schemas"]["TicketSla"];
            /** @description `web` when created with the session cookie, `api` with a bearer token, or what an agent named. */
            source: components["schemas"]["TicketSource"];
            status: components["schemas"]["TicketStatus"];
            /** Subcategory */
            subcategory?: string;
            /**
             * Team Id
             * @description The queue the ticket is in.
             */
            team_id?: string;
            /** Title */
            title: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Urgency */
            urgency?: number;
        };
        /** TicketMetrics */
        TicketMetrics: {
            /**
             * Daily
             * @description Tickets created per day over the last days, today included, oldest first, days without tickets as 0.
             */
            daily: components["schemas"]["TicketsOnDay"][];
        };
        /**
         * TicketSla
         * @description The ticket's two SLA clocks (targets by priority, calendar time from creation), as seen when answered.
         */
        TicketSla: {
            /**
             * First Response Breached
             * @description The first public agent comment came after its due time, or has not come and the due time is past.
             */
            first_response_breached: boolean;
            /**
             * First Response Due At
             * Format: date-time
             */
            first_response_due_at: string;
            /** First Response Target Minutes */
            first_response_target_minutes: number;
            /**
             * Resolution Breached
             * @description Resolved after its due time, or not resolved and the due time is past.
             */
            resolution_breached: boolean;
            /**
             * Resolution Due At
             * Format: date-time
             */
            resolution_due_at: string;
            /** Resolution Target Minutes */
            resolution_target_minutes: number;
        };
        /** TicketsOnDay */
        TicketsOnDay: {
            /** Count */
            count: number;
            /**
             * Day
             * Format: date
             * @description A UTC day.
             */
            day: string;
        };
        /**
         * TicketSource
         * @enum {string}
         */
        TicketSource: "api" | "web" | "email";
        /**
         * TicketStatus
         * @enum {string}
         */
        TicketStatus: "open" | "pending" | "resolved" | "closed";
        /**
         * UpdateRequesterRequest
         * @description Only these may change; any other field is refused by name.
         */
        UpdateRequesterRequest: {
            /** Display Name */
            display_name?: string;
            /**
             * Email
             * Format: email
             */
            email?: string;
        };
        /**
         * UpdateTicketRequest
         * @description The document's partial PATCH, plus `team_id` (the queue a ticket is in). Any other field is refused by
         *     name; null clears the optional fields and is refused for status, priority and custom_json.
         */
        UpdateTicketRequest: {
            /**
             * Assignee Id
             * @default null
             */
            assignee_id?: string | null;
            /** Custom Json */
            custom_json?: {
                [key: string]: unknown;
            };
            /**
             * Due At
             * @default null
             */
            due_at?: (string | unknown | unknown) | null;
            /**
             * Priority
             * @enum {string}
             */
            priority?: "low" | "normal" | "high" | "urgent";
            /**
             * Scheduled At
             * @default null
             */
            scheduled_at?: (string | unknown | unknown) | null;
            /**
             * Status
             * @enum {string}
             */
            status?: "open" | "pending" | "resolved" | "closed";
            /**
             * Team Id
             * @default null
             */
            team_id?: string | null;
            /**
             * Urgency
             * @default null
             */
            urgency?: number | null;
        };
        /**
         * UploadHeaders
         * @description The headers to send with the PUT: they are signed into the URL, so S3 refuses other values.
         */
        UploadHeaders: {
            /** Content-Type */
            "Content-Type": string;
            /**
             * X-Amz-Tagging
             * @description Marks the object unconfirmed until `POST .../attachments` (unconfirmed objects expire after a day).
             * @constant
             */
            "x-amz-tagging": "state=pending";
        };
        /**
         * WatcherIds
         * @description The user ids watching the ticket.
         */
        WatcherIds: string[];
    };
    responses: {
        /** @description Validation error: `errors` names each refused field (a refusal of no one field is `error`) */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A concurrent change won every retry: reload and retry */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The agent role (or the uploader) is needed, the user belongs to no tenant, or a cookie write came from an origin not allowed */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Internal server error (on `/readyz`: not ready) */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not found in the caller's tenant (on `/login` and `/logout`: the cookie login is off) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Service unavailable */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many requests: the stage's throttle, a busy table or Cognito's sign-in throttle (retry after `Retry-After` seconds when it is sent) */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait before retrying (sent for a busy table or sign-in throttle) */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Missing or invalid token (on `/login`: wrong credentials) */
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
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getSurvey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The survey link's token (mailed to the requester when the ticket was resolved) */
                token: string;
            };
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
            /** @description Survey not found (an HTML page): the token is unknown, malformed or expired */
            404: {
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
    answerSurvey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The survey link's token (mailed to the requester when the ticket was resolved) */
                token: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CsatAnswer"];
                "application/x-www-form-urlencoded": components["schemas"]["CsatAnswer"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ok"];
                    "text/html": string;
                };
            };
            /** @description Validation error: `errors` names each refused field (a refusal of no one field is `error`) (a page, to a browser's form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Not found in the caller's tenant (on `/login` and `/logout`: the cookie login is off) (a page, to a browser's form) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
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
    streamEvents: {
        parameters: {
            query?: {
                /** @description `Last-Event-ID` for clients that cannot set headers */
                lastEventId?: string;
            };
            header?: {
                /** @description Resume after this event (else 400) */
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
    exportTickets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportTicketsRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Export"];
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
    getHealth: {
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
                    "application/json": components["schemas"]["Ok"];
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getLiveness: {
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
                    "application/json": components["schemas"]["Ok"];
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    /** @description `helpdesk_session` holding the Cognito ID token (HttpOnly, Secure, SameSite=Strict, path /helpdesk, as long as the token lives) */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ok"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    logout: {
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
                    /** @description `helpdesk_session`, expired */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ok"];
                };
            };
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getMe: {
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
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getPrometheusMetrics: {
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
                    "text/plain; version=0.0.4; charset=utf-8": string;
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getResolutionMetrics: {
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
                    "application/json": components["schemas"]["ResolutionMetrics"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getSlaMetrics: {
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
                    "application/json": components["schemas"]["SlaMetrics"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getTicketMetrics: {
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
                    "application/json": components["schemas"]["TicketMetrics"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
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
    getReadiness: {
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
                    "application/json": components["schemas"]["Ok"];
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
    createRequester: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRequesterRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Requester"];
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
    getRequester: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A requester of the caller's tenant */
                requester_id: string;
            };
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
                    "application/json": components["schemas"]["Requester"];
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
    updateRequester: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A requester of the caller's tenant */
                requester_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRequesterRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Requester"];
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
    listTickets: {
        parameters: {
            query?: {
                /** @description Only tickets this user holds; `me` for the caller, `none` for tickets nobody holds */
                assignee?: string;
                /** @description The `X-Next-Cursor` header of the previous page (another list's is 400) */
                cursor?: string;
                /** @description Items per page (max 100; a larger value is a 400) */
                limit?: number;
                /** @description Only this priority */
                priority?: "low" | "normal" | "high" | "urgent";
                /** @description Words of the number, title or description, every one of which must match (accents and case ignored; at most 8 words, one of 2 to 40 letters or digits; words too common to narrow a search, such as `the` or `it`, are not indexed, and a search of them alone is a 400 that names them) */
                search?: string;
                /** @description Only this status */
                status?: components["schemas"]["TicketStatus"];
                /** @description Only this team's queue; `none` for tickets in no team */
                team?: string;
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
                    /** @description The next page's cursor, to send back as `cursor`; absent on the last page */
                    "X-Next-Cursor"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ticket"][];
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
    createTicket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTicketRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedTicket"];
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
    getTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
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
                    "application/json": components["schemas"]["Ticket"];
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
    updateTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTicketRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ok"];
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
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listAttachments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
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
                    "application/json": components["schemas"]["Attachment"][];
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
    confirmAttachment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AttachmentConfirm"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Created"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    deleteAttachment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An attachment of the ticket */
                attachment_id: string;
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
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
                    "application/json": components["schemas"]["Ok"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    presignAttachment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AttachmentUpload"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PresignedUpload"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    listComments: {
        parameters: {
            query?: {
                /** @description The `X-Next-Cursor` header of the previous page (another list's is 400) */
                cursor?: string;
                /** @description Items per page (max 500; a larger value is a 400) */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    /** @description The next page's cursor, to send back as `cursor`; absent on the last page */
                    "X-Next-Cursor"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Comment"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    addComment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCommentRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Created"];
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
    listWatchers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
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
                    "application/json": components["schemas"]["WatcherIds"];
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
    addWatcher: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddWatcherRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ok"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    removeWatcher: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant */
                ticket_id: string;
                /** @description A user watching the ticket */
                user_id: string;
            };
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
                    "application/json": components["schemas"]["Ok"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
}
