// Generated from docs/api/response.openapi.json by clients/ts/generate.mjs (openapi-typescript). Do not edit.

export interface paths {
    "/api/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List incidents
         * @description The tenant's incidents, newest first. An unknown status is 422.
         */
        get: operations["listIncidents"];
        put?: never;
        /**
         * Create incident
         * @description Status `open`; `severity` defaults to `medium`, `source` to `manual`. Repeated tags are dropped.
         */
        post: operations["createIncident"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/incidents/{incident_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get incident */
        get: operations["getIncident"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/incidents/{incident_id}/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get incident actions
         * @description In the order they were added: the AI analysis's suggestions and responders' own.
         */
        get: operations["getIncidentActions"];
        put?: never;
        /**
         * Add an action
         * @description Beyond the document: a responder's own action, `pending`, suggested by them.
         */
        post: operations["addIncidentAction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/incidents/{incident_id}/actions/{action_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update action status
         * @description Beyond the document: pending goes to in_progress, completed, failed or skipped; in_progress to completed, failed or back to pending; failed to pending or in_progress; skipped to pending; completed is final. Another move is 409; the status the action has is a 200 that changes nothing.
         */
        patch: operations["updateActionStatus"];
        trace?: never;
    };
    "/api/incidents/{incident_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update incident status
         * @description Active incidents (open, investigating, identified, monitoring) move to any other active status or to resolved or closed; resolved goes to closed or reopens (open, investigating); closed only reopens to open. Another move is 409; the status the incident has is a 200 that changes nothing. Resolving sets `resolved_at` and `mttr_minutes`; reopening clears both.
         */
        patch: operations["updateIncidentStatus"];
        trace?: never;
    };
    "/api/incidents/{incident_id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get incident timeline
         * @description Oldest first. Each change is written with its entry: `system_event` (opened), `status_change`, `user_action` (an action added or moved), `ai_analysis`, `comment` (a room message).
         */
        get: operations["getIncidentTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ingest/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ingest single event
         * @description An incident of another tenant, or none, is 404. `timestamp` (beyond the document: RFC 3339 with a zone) defaults to the time received. The incident's AI analysis runs once its burst of events has ended.
         */
        post: operations["ingestEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ingest/events/{incident_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get incident events
         * @description Oldest first (by `timestamp`, then id).
         */
        get: operations["getIncidentEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ingest/events/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ingest batch events
         * @description At most 500 events naming at most 40 incidents, all stored or none: every invalid event is named by its index (`["body", 3, "level"]`), and an incident of another tenant, or none, is a 404 as for a single event, whose detail names the events (`Incident not found: [2].incident_id`).
         */
        post: operations["ingestEventBatch"];
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
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health check
         * @description 503 (beyond the document) when the incidents table cannot be read.
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
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Prometheus text: incidents created by severity, incidents in each status, events ingested, analyses run, the MTTR histogram; all tenants together, none named.
         */
        get: operations["getMetrics"];
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
        /**
         * Action
         * @description A step to take on an incident, suggested by the AI analysis or added by a responder (the document's Action
         *     model).
         */
        Action: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /** Id */
            id: string;
            /** Incident Id */
            incident_id: string;
            /**
             * Priority
             * @description 1 is the most urgent.
             */
            priority: number;
            status: components["schemas"]["ActionStatus"];
            /**
             * Suggested By
             * @description `ai`, or the name of the person who added it.
             */
            suggested_by: string;
            /** Title */
            title: string;
        };
        /**
         * ActionStatus
         * @enum {string}
         */
        ActionStatus: "pending" | "in_progress" | "completed" | "failed" | "skipped";
        /**
         * AddActionRequest
         * @description Beyond the document: a responder's own action (`POST /api/incidents/{id}/actions`).
         */
        AddActionRequest: {
            /**
             * Description
             * @default
             */
            description?: string;
            /**
             * Priority
             * @default 3
             */
            priority?: number;
            /** Title */
            title: string;
        };
        /** CreateIncidentRequest */
        CreateIncidentRequest: {
            /**
             * Description
             * @default
             */
            description?: string;
            /** Metadata */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * Severity
             * @default medium
             * @enum {string}
             */
            severity?: "critical" | "high" | "medium" | "low" | "info";
            /**
             * Source
             * @default manual
             */
            source?: string;
            /** Tags */
            tags?: string[];
            /** Title */
            title: string;
        };
        /**
         * EntryType
         * @enum {string}
         */
        EntryType: "status_change" | "ai_analysis" | "user_action" | "system_event" | "comment";
        /**
         * Error
         * @description Every error: `{"detail": "message"}`; a validation error (422) lists the fields it refuses instead, or says
         *     why in a message when no field is to blame.
         */
        Error: {
            /** Detail */
            detail: string | components["schemas"]["ValidationIssue"][];
        };
        /**
         * Event
         * @description A log line, metric, alert, trace or user action ingested into an incident (the document's Event model).
         */
        Event: {
            /**
             * Event Type
             * @enum {string}
             */
            event_type: "log" | "metric" | "alert" | "trace" | "user_action";
            /** Id */
            id: string;
            /** Incident Id */
            incident_id: string;
            /**
             * Level
             * @enum {string}
             */
            level: "debug" | "info" | "warning" | "error" | "critical";
            /** Message */
            message: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /** Source */
            source: string;
            /**
             * Timestamp
             * Format: date-time
             * @description When it happened: the `timestamp` sent, else when it was received.
             */
            timestamp: string;
        };
        /**
         * Health
         * @description The incidents table answers.
         */
        Health: {
            /**
             * Status
             * @constant
             */
            status: "healthy";
        };
        /**
         * HealthProblem
         * @description Beyond the document: the incidents table cannot be read (a 503, not the error envelope).
         */
        HealthProblem: {
            /** Detail */
            detail: string;
            /**
             * Status
             * @constant
             */
            status: "unhealthy";
        };
        /**
         * Incident
         * @description An incident of the caller's tenant (the document's Incident model).
         */
        Incident: {
            /**
             * Ai Summary
             * @description The last AI analysis's summary; null until the incident's events were first analysed.
             */
            ai_summary: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /** Id */
            id: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /**
             * Mttr Minutes
             * @description Minutes from `created_at` to the last resolution; null while the incident is active.
             */
            mttr_minutes: number | null;
            /**
             * Resolved At
             * @description Set on entering `resolved` (or `closed` without having been resolved); reopening clears it.
             */
            resolved_at: string | null;
            /**
             * Root Cause
             * @description The leading cause of the last analysis; null when no cause was confident enough.
             */
            root_cause: string | null;
            /**
             * Severity
             * @enum {string}
             */
            severity: "critical" | "high" | "medium" | "low" | "info";
            /**
             * Source
             * @description Where the incident came from (`manual` unless the creator named one).
             */
            source: string;
            status: components["schemas"]["Status"];
            /**
             * Suggested Actions
             * @description The titles of the last analysis's suggested actions, most urgent first.
             */
            suggested_actions: string[];
            /** Tags */
            tags: string[];
            /** Title */
            title: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * IngestEventBatch
         * @description A JSON array of events (opsdesk.response.requests.parse_batch reads it), validated as a whole.
         */
        IngestEventBatch: components["schemas"]["IngestEventRequest"][];
        /** IngestEventRequest */
        IngestEventRequest: {
            /**
             * Event Type
             * @enum {string}
             */
            event_type: "log" | "metric" | "alert" | "trace" | "user_action";
            /** Incident Id */
            incident_id: string;
            /**
             * Level
             * @default info
             * @enum {string}
             */
            level?: "debug" | "info" | "warning" | "error" | "critical";
            /** Message */
            message: string;
            /** Metadata */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * Source
             * @default
             */
            source?: string;
            /**
             * Timestamp
             * @default null
             */
            timestamp?: string | null;
        };
        /**
         * Status
         * @enum {string}
         */
        Status: "open" | "investigating" | "identified" | "monitoring" | "resolved" | "closed";
        /**
         * TimelineEntry
         * @description What happened to an incident, in the order it happened (the document's Timeline Entry model).
         */
        TimelineEntry: {
            /**
             * Actor
             * @description The signed-in user's name (else email, else user name), `ai` or `system`.
             */
            actor: string;
            /** Description */
            description: string;
            entry_type: components["schemas"]["EntryType"];
            /** Id */
            id: string;
            /** Incident Id */
            incident_id: string;
            /**
             * Timestamp
             * Format: date-time
             */
            timestamp: string;
            /** Title */
            title: string;
        };
        /**
         * ValidationIssue
         * @description One refused field, located as FastAPI locates it: `["body", "title"]`, `["body", 3, "level"]` (the fourth
         *     event of a batch), `["query", "status"]`, `["header", "Idempotency-Key"]`.
         */
        ValidationIssue: {
            /** Loc */
            loc: (string | number)[];
            /** Msg */
            msg: string;
            /**
             * Type
             * @constant
             */
            type: "value_error";
        };
    };
    responses: {
        /** @description Refused by the current status, or a concurrent change */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The user belongs to no tenant */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Internal server error */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not found in the caller's tenant */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many requests: the stage's throttle, or a busy table (retry after `Retry-After` seconds) */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait before retrying (sent when the table was busy) */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Missing or invalid token */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Validation error (`detail` lists the refused fields) */
        UnprocessableEntity: {
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
    listIncidents: {
        parameters: {
            query?: {
                /** @description The `X-Next-Cursor` header of the previous page (another list's is 422) */
                cursor?: string;
                /** @description Items per page (max 200; a larger value is a 422) */
                limit?: number;
                /** @description Only this status */
                status?: components["schemas"]["Status"];
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
                    "application/json": components["schemas"]["Incident"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    createIncident: {
        parameters: {
            query?: never;
            header?: {
                /** @description Beyond the document: makes a retried create open one incident (printable ASCII; the key names the incident and does not expire). The same key with the same body answers the incident it opened; with another body it is 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateIncidentRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Incident"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getIncident: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An incident of the caller's tenant */
                incident_id: string;
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
                    "application/json": components["schemas"]["Incident"];
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
    getIncidentActions: {
        parameters: {
            query?: {
                /** @description The `X-Next-Cursor` header of the previous page (another list's is 422) */
                cursor?: string;
                /** @description Items per page (max 500; a larger value is a 422) */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description An incident of the caller's tenant */
                incident_id: string;
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
                    "application/json": components["schemas"]["Action"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    addIncidentAction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An incident of the caller's tenant */
                incident_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddActionRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Action"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    updateActionStatus: {
        parameters: {
            query: {
                /** @description The status to move to */
                status: components["schemas"]["ActionStatus"];
            };
            header?: never;
            path: {
                /** @description An action of the incident */
                action_id: string;
                /** @description An incident of the caller's tenant */
                incident_id: string;
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
                    "application/json": components["schemas"]["Action"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    updateIncidentStatus: {
        parameters: {
            query: {
                /** @description The status to move to */
                status: components["schemas"]["Status"];
            };
            header?: never;
            path: {
                /** @description An incident of the caller's tenant */
                incident_id: string;
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
                    "application/json": components["schemas"]["Incident"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getIncidentTimeline: {
        parameters: {
            query?: {
                /** @description The `X-Next-Cursor` header of the previous page (another list's is 422) */
                cursor?: string;
                /** @description Items per page (max 1000; a larger value is a 422) */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description An incident of the caller's tenant */
                incident_id: string;
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
                    "application/json": components["schemas"]["TimelineEntry"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    ingestEvent: {
        parameters: {
            query?: never;
            header?: {
                /** @description Beyond the document: makes a retry store nothing twice (printable ASCII, kept 24 hours). The same key with the same body answers the events stored the first time; with another body it is 422; while the first request is still being written, 409. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IngestEventRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getIncidentEvents: {
        parameters: {
            query?: {
                /** @description The `X-Next-Cursor` header of the previous page (another list's is 422) */
                cursor?: string;
                /** @description Items per page (max 1000; a larger value is a 422) */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description An incident of the caller's tenant */
                incident_id: string;
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
                    "application/json": components["schemas"]["Event"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    ingestEventBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description Beyond the document: makes a retry store nothing twice (printable ASCII, kept 24 hours). The same key with the same body answers the events stored the first time; with another body it is 422; while the first request is still being written, 409. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IngestEventBatch"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
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
                    "application/json": components["schemas"]["Health"];
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            /** @description Unhealthy: the incidents table cannot be read */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthProblem"];
                };
            };
        };
    };
    getMetrics: {
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
