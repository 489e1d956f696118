// Generated from docs/api/copilot.openapi.json by clients/ts/generate.mjs (openapi-typescript). Do not edit.

export interface paths {
    "/analytics/cost-summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get cost analytics
         * @description Totals, cache figures, the most expensive incidents and recommendations from written rules (low cache hit rate, high cost per request, cost concentrated in one incident, no usage).
         */
        get: operations["getCostSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/analytics/incident-metrics/{incident_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get per-incident analytics */
        get: operations["getIncidentAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/analytics/token-usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get token usage stats
         * @description The current project's AI use per day and request type. The period spans at most 366 days; start_date after end_date is 422.
         */
        get: operations["getTokenUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Login and get tokens
         * @description Wrong password and unknown email are the same 401. Repeated failures slow down and then are refused with 429 and `Retry-After` for the rest of a 15-minute window. A body without its fields is 400.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Logout and clear cookies
         * @description Revokes the refresh token (cookie or body) and clears both cookies.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get current user info */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh the access token
         * @description Takes the `refresh_token` cookie, or `refresh_token` in the body for clients without cookies, and sets a fresh access cookie.
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a new user and tenant
         * @description Creates the tenant (its slug from the name), the user and a first project, `Default`, owned by the user, and signs them in. A taken email is 409; a password is at least 15 characters.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/switch-project": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Switch active project
         * @description Takes effect for every token of the user; a project the user is not a member of is 404.
         */
        post: operations["switchProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/ws-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get WebSocket token
         * @description A token for the WebSocket `connect` message, valid 120 seconds, naming the user, the tenant and the current project.
         */
        get: operations["getWsToken"];
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
    "/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List incidents
         * @description The current project's incidents, newest first. An unknown severity or state is 422.
         */
        get: operations["listIncidents"];
        put?: never;
        /**
         * Create incident
         * @description Role: `member` or above (else 403). In the current project, state `detected`; its hypotheses are ranked in the background (`hypothesis.generated` on the `hypotheses` channel).
         */
        post: operations["createIncident"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/incidents/{incident_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get incident details */
        get: operations["getIncident"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/incidents/{incident_id}/hypotheses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get AI hypotheses
         * @description By rank (1 first); empty until they are generated.
         */
        get: operations["listHypotheses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/incidents/{incident_id}/hypotheses/{hypothesis_id}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm or reject a hypothesis
         * @description Role: `member` or above (else 403). Beyond the document: a confirmation sets the incident's confirmed cause; both shift the project's prior for that cause.
         */
        post: operations["giveHypothesisFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/incidents/{incident_id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get incident metrics */
        get: operations["getIncidentMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/incidents/{incident_id}/state": {
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
         * Update incident state
         * @description Role: `member` or above (else 403). Forward through detected, acknowledged, investigating, mitigated, resolved, learned (skipping allowed); any state but learned may end inconclusive; mitigated, resolved and inconclusive may go back to investigating. Another move (back to detected or acknowledged, or out of learned) is 409; the current state is a 200 that changes nothing.
         */
        patch: operations["updateIncidentState"];
        trace?: never;
    };
    "/incidents/{incident_id}/workflow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get workflow steps */
        get: operations["getIncidentWorkflow"];
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
    "/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List user's projects */
        get: operations["listProjects"];
        put?: never;
        /**
         * Create new project
         * @description The caller owns the new project.
         */
        post: operations["createProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/projects/{project_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get project details */
        get: operations["getProject"];
        put?: never;
        post?: never;
        /**
         * Delete project (owner)
         * @description Role: `owner` or above (else 403). Removes the project, its memberships and its members' roles in it.
         */
        delete: operations["deleteProject"];
        options?: never;
        head?: never;
        /**
         * Update project (owner)
         * @description Role: `owner` or above (else 403).
         */
        patch: operations["updateProject"];
        trace?: never;
    };
    "/projects/{project_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List project members */
        get: operations["listMembers"];
        put?: never;
        /**
         * Add project member (admin)
         * @description Role: `admin` or above (else 403). By `user_id` (a user of the tenant) or `email`: an email the tenant does not know is invited (mailed a temporary password). Only an owner grants `owner`.
         */
        post: operations["addMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/projects/{project_id}/members/{user_id}": {
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
         * Remove member (admin)
         * @description Role: `admin` or above (else 403). The last owner cannot be removed (409).
         */
        delete: operations["removeMember"];
        options?: never;
        head?: never;
        /**
         * Update member role (admin)
         * @description Role: `admin` or above (else 403). The last owner cannot be demoted (409).
         */
        patch: operations["updateMember"];
        trace?: never;
    };
    "/projects/{project_id}/monitoring/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List alerts
         * @description The project's alerts, newest first.
         */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/projects/{project_id}/monitoring/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List integrations */
        get: operations["listIntegrations"];
        put?: never;
        /**
         * Create integration (admin)
         * @description Role: `admin` or above (else 403). `credentials` (api_key, app_key, token, username, password, role_arn, webhook_token) are kept in Secrets Manager and only ever shown masked; a credential name anywhere inside `config` (any case or depth) is 422, and so are a URL in `config` carrying `user:password@` and a `webhook_token` shorter than 16 characters (the webhook would refuse every delivery). A `cloudwatch` integration's `config.account_id` routes that AWS account's alarms once the account is proven the organization's: `credentials.role_arn` is a role in it that the platform assumes with the organization's external ID (`details.external_id` of any cloudwatch test; `external_id` in credentials is 422). A role in another account, or one the platform cannot assume, is 422 (503 when AWS does not answer); without a role the integration is saved and routes nothing (`verified_account` null). An account proven by another organization is 409, and so is a create in a project that holds 100 integrations, the most it may.
         */
        post: operations["createIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/projects/{project_id}/monitoring/integrations/{integration_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get integration */
        get: operations["getIntegration"];
        put?: never;
        post?: never;
        /**
         * Delete integration (admin)
         * @description Role: `admin` or above (else 403).
         */
        delete: operations["deleteIntegration"];
        options?: never;
        head?: never;
        /**
         * Update integration (admin)
         * @description Role: `admin` or above (else 403). `credentials`, when sent, replace the stored ones as a whole. A `cloudwatch` integration whose account, role or `enabled` changes is proven again, as on create, before anything is stored; an AWS account another organization routes is 409.
         */
        patch: operations["updateIntegration"];
        trace?: never;
    };
    "/projects/{project_id}/monitoring/integrations/{integration_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test existing integration
         * @description Role: `member` or above (else 403). The result is kept as the integration's `last_test`. A `cloudwatch` integration whose test passes with a role in its `config.account_id` is proven: it routes the account's alarms from then on (409 if another organization routes them).
         */
        post: operations["testIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/projects/{project_id}/monitoring/integrations/test-connection": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test connection
         * @description Role: `member` or above (else 403). Calls the system's own health or auth endpoint (https, public addresses only) with settings not saved yet. A `cloudwatch` test assumes `credentials.role_arn` with the organization's external ID, shown in `details.external_id` whatever the outcome, and reads the account's alarms as that role.
         */
        post: operations["testConnection"];
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
    "/webhooks/{integration_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deliver alerts (webhook)
         * @description An unknown integration, one without a webhook token and a wrong token are alike a 401; a 404 is a path no route serves (an id with a character ids never have). The body is what the integration's system sends: Alertmanager's webhook (a `prometheus` integration), Grafana's, Datadog's (payload template in docs/decisions.md, Alerts) or a PagerDuty Events v2 body. It is read whole first (422 naming the field), then the alerts open or join incidents of the project (deduplicated by their key).
         */
        post: operations["deliverWebhook"];
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
         * AddMemberRequest
         * @description By `user_id` (someone of the tenant) or `email` (invited when not yet a user of the tenant).
         */
        AddMemberRequest: {
            /**
             * Email
             * @default null
             */
            email?: string | null;
            /**
             * Full Name
             * @default null
             */
            full_name?: string | null;
            /** @default member */
            role?: components["schemas"]["Role"];
            /**
             * User Id
             * @default null
             */
            user_id?: string | null;
        };
        /** Alert */
        Alert: {
            /** Alertname */
            alertname: string;
            /** Description */
            description: string;
            /** Ends At */
            ends_at: string | null;
            /** Fingerprint */
            fingerprint: string;
            /** Id */
            id: string;
            /**
             * Incident Id
             * @description The incident the alert opened or joined.
             */
            incident_id: string | null;
            /** Labels */
            labels: {
                [key: string]: string;
            };
            /** Project Id */
            project_id: string;
            /** Service */
            service: string;
            /**
             * Severity
             * @description As the source labels it.
             */
            severity: string;
            /**
             * Source
             * @description The monitoring system that sent it (`prometheus`, `grafana`, ...).
             */
            source: string;
            /**
             * Starts At
             * Format: date-time
             */
            starts_at: string;
            /**
             * Status
             * @description `firing` or `resolved`.
             */
            status: string;
        };
        /** CacheStats */
        CacheStats: {
            /**
             * Cache Hit Rate
             * @description Percent of the period's incidents whose hypotheses are stored (`incidents_with_hypotheses` of
             *     `total_incidents`): later reads are served without the model.
             */
            cache_hit_rate: number;
            /** Incidents With Hypotheses */
            incidents_with_hypotheses: number;
            /**
             * Potential Savings
             * @description USD: the period's AI cost times the cache hit rate.
             */
            potential_savings: number;
            /** Total Incidents */
            total_incidents: number;
        };
        /**
         * ConnectionTest
         * @description The outcome of calling the monitoring system's own health or auth endpoint (never a 500 for an
         *     unreachable or refusing endpoint: `success` is false and `message` says why).
         */
        ConnectionTest: {
            /** Details */
            details: {
                [key: string]: unknown;
            };
            /** Latency Ms */
            latency_ms: number | null;
            /** Message */
            message: string;
            /**
             * Status Code
             * @description The endpoint's HTTP status; null when no answer came.
             */
            status_code: number | null;
            /** Success */
            success: boolean;
            /**
             * Tested At
             * Format: date-time
             */
            tested_at: string;
        };
        /** CostSummary */
        CostSummary: {
            cache_stats: components["schemas"]["CacheStats"];
            /**
             * Most Expensive Incidents
             * @description At most 5, most expensive first.
             */
            most_expensive_incidents: components["schemas"]["ExpensiveIncident"][];
            overall_stats: components["schemas"]["OverallStats"];
            /** Recommendations */
            recommendations: components["schemas"]["Recommendation"][];
        };
        /**
         * CreatedIncident
         * @description A new incident (`POST /incidents`): state `detected`, detected when created.
         */
        CreatedIncident: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /**
             * Detected At
             * Format: date-time
             */
            detected_at: string;
            /** Id */
            id: string;
            /** Project Id */
            project_id: string;
            /** Service Name */
            service_name: string;
            severity: components["schemas"]["Severity"];
            /**
             * State
             * @constant
             */
            state: "detected";
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
            /** Service Name */
            service_name: string;
            severity: components["schemas"]["Severity"];
            /** Title */
            title: string;
        };
        /** CreateProjectRequest */
        CreateProjectRequest: {
            /**
             * Description
             * @default
             */
            description?: string;
            /** Name */
            name: string;
        };
        /**
         * Error
         * @description Every error: `{"detail": "..."}`. A validation error's detail names the fields (`field: message; ...`).
         */
        Error: {
            /** Detail */
            detail: string;
        };
        /** ExpensiveIncident */
        ExpensiveIncident: {
            /** Incident Id */
            incident_id: string;
            /** Request Count */
            request_count: number;
            /** Title */
            title: string;
            /** Total Cost */
            total_cost: number;
        };
        /**
         * Hypothesis
         * @description A ranked cause of the incident with its evidence (rank 1 is the most likely).
         */
        Hypothesis: {
            /** Claim */
            claim: string;
            /**
             * Confidence Lower
             * @description Lower end of the confidence interval.
             */
            confidence_lower: number;
            /** Confidence Score */
            confidence_score: number;
            /** Confidence Upper */
            confidence_upper: number;
            /** Contradicting Evidence */
            contradicting_evidence: string[];
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
            /** Rank */
            rank: number;
            /** Supporting Evidence */
            supporting_evidence: string[];
            /** User Feedback */
            user_feedback: ("confirmed" | "rejected") | null;
        };
        /**
         * HypothesisFeedbackRequest
         * @description Beyond the document: a responder confirms or rejects a hypothesis (`user_feedback`).
         */
        HypothesisFeedbackRequest: {
            /**
             * Feedback
             * @enum {string}
             */
            feedback: "confirmed" | "rejected";
        };
        /**
         * Incident
         * @description An incident with a time for each state it reached (null until reached; `investigating_started_at` is the
         *     time it last went to `investigating`, which clears the later ones).
         */
        Incident: {
            /** Acknowledged At */
            acknowledged_at: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /**
             * Detected At
             * Format: date-time
             */
            detected_at: string;
            /** Id */
            id: string;
            /** Inconclusive At */
            inconclusive_at: string | null;
            /** Investigating Started At */
            investigating_started_at: string | null;
            /** Learned At */
            learned_at: string | null;
            /** Mitigated At */
            mitigated_at: string | null;
            /** Project Id */
            project_id: string;
            /** Resolved At */
            resolved_at: string | null;
            /** Service Name */
            service_name: string;
            severity: components["schemas"]["Severity"];
            state: components["schemas"]["IncidentState"];
            /** Title */
            title: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** IncidentAnalytics */
        IncidentAnalytics: {
            /** Avg Cost Per Request */
            avg_cost_per_request: number;
            /** Hypotheses Count */
            hypotheses_count: number;
            /** Incident Id */
            incident_id: string;
            /** Request Count */
            request_count: number;
            /** Title */
            title: string;
            /** Total Cost Usd */
            total_cost_usd: number;
            /** Total Tokens */
            total_tokens: number;
        };
        /**
         * IncidentMetrics
         * @description Minutes from detection to each response step (null until reached) and what the AI spent.
         */
        IncidentMetrics: {
            /** Ai Cost Usd */
            ai_cost_usd: number;
            /** Ai Requests */
            ai_requests: number;
            /** Ai Tokens */
            ai_tokens: number;
            /**
             * Confirmed Cause
             * @description The cause class of the hypothesis a responder confirmed.
             */
            confirmed_cause: string | null;
            /** Hypotheses Count */
            hypotheses_count: number;
            /** Incident Id */
            incident_id: string;
            state: components["schemas"]["IncidentState"];
            /**
             * State Timestamps
             * @description The time of each state reached after `detected`.
             */
            state_timestamps: {
                [key: string]: string;
            };
            /** Time To Acknowledge Minutes */
            time_to_acknowledge_minutes: number | null;
            /** Time To Investigate Minutes */
            time_to_investigate_minutes: number | null;
            /** Time To Mitigate Minutes */
            time_to_mitigate_minutes: number | null;
            /** Time To Resolve Minutes */
            time_to_resolve_minutes: number | null;
        };
        /**
         * IncidentState
         * @enum {string}
         */
        IncidentState: "detected" | "acknowledged" | "investigating" | "mitigated" | "resolved" | "learned" | "inconclusive";
        /** Integration */
        Integration: {
            /**
             * Config
             * @description Non-secret settings (`url`, `region`, routing rules).
             */
            config: {
                [key: string]: unknown;
            };
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Credentials
             * @description The credentials set, each masked: they are kept in Secrets Manager and never returned.
             */
            credentials: {
                [key: string]: "********";
            };
            /** Enabled */
            enabled: boolean;
            /** Id */
            id: string;
            /** @description The last test of this integration (`POST .../{integration_id}/test`). */
            last_test: components["schemas"]["ConnectionTest"] | null;
            /** Name */
            name: string;
            /** Project Id */
            project_id: string;
            /**
             * Type
             * @enum {string}
             */
            type: "prometheus" | "grafana" | "datadog" | "cloudwatch" | "pagerduty";
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Verified Account
             * @description Beyond the document: the AWS account whose alarms a `cloudwatch` integration routes, its `config.account_id`
             *     once the platform has assumed `credentials.role_arn` (a role in that account) with the organization's external ID
             *     (`details.external_id` of a cloudwatch test). Null until then, and for other types.
             */
            verified_account: string | null;
        };
        /** IntegrationCreateRequest */
        IntegrationCreateRequest: {
            /**
             * Config
             * @default {}
             */
            config?: {
                [key: string]: unknown;
            };
            /**
             * Credentials
             * @default {}
             */
            credentials?: {
                [key: string]: string;
            };
            /**
             * Enabled
             * @default true
             */
            enabled?: boolean;
            /** Name */
            name: string;
            /**
             * Type
             * @enum {string}
             */
            type: "prometheus" | "grafana" | "datadog" | "cloudwatch" | "pagerduty";
        };
        /** IntegrationUpdateRequest */
        IntegrationUpdateRequest: {
            /**
             * Config
             * @default null
             */
            config?: {
                [key: string]: unknown;
            } | null;
            /**
             * Credentials
             * @default null
             */
            credentials?: {
                [key: string]: string;
            } | null;
            /**
             * Enabled
             * @default null
             */
            enabled?: boolean | null;
            /**
             * Name
             * @default null
             */
            name?: string | null;
        };
        /** LoginRequest */
        LoginRequest: {
            /**
             * Email
             * Format: email
             */
            email: string;
            /**
             * New Password
             * @default null
             */
            new_password?: string | null;
            /** Password */
            password: string;
        };
        /** LoginResponse */
        LoginResponse: {
            /**
             * Access Token
             * @description The Cognito ID token (15 minutes); also set as the `access_token` cookie.
             */
            access_token: string;
            /** Projects */
            projects: components["schemas"]["ProjectRole"][];
            /**
             * Token Type
             * @constant
             */
            token_type: "bearer";
            user: components["schemas"]["UserWithProject"];
        };
        /** LogoutResponse */
        LogoutResponse: {
            /** Message */
            message: string;
        };
        /** Member */
        Member: {
            /** Email */
            email: string;
            /** Full Name */
            full_name: string;
            /**
             * Invited
             * @description Added by email before the user ever signed in: an invitation was mailed.
             */
            invited: boolean;
            /**
             * Joined At
             * Format: date-time
             */
            joined_at: string;
            /** Project Id */
            project_id: string;
            role: components["schemas"]["Role"];
            /** User Id */
            user_id: string;
        };
        /**
         * MeResponse
         * @description The current user, their current project and role, and every project they belong to.
         */
        MeResponse: {
            /** Email */
            email: string;
            /** Full Name */
            full_name: string;
            /** Id */
            id: string;
            /**
             * Project Id
             * @description The current project (`POST /auth/switch-project` changes it).
             */
            project_id: string | null;
            /** Projects */
            projects: components["schemas"]["ProjectRole"][];
            /** @description The user's role in the current project. */
            role: components["schemas"]["Role"] | null;
            /** Tenant Id */
            tenant_id: string;
        };
        /** OverallStats */
        OverallStats: {
            /** Avg Cost Per Request */
            avg_cost_per_request: number;
            /** Total Cost Usd */
            total_cost_usd: number;
            /** Total Requests */
            total_requests: number;
        };
        /** Project */
        Project: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /** Id */
            id: string;
            /** Name */
            name: string;
            /** @description The caller's role in the project. */
            role?: components["schemas"]["Role"];
            /** Tenant Id */
            tenant_id: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * ProjectRole
         * @description A project the user belongs to, with their role there.
         */
        ProjectRole: {
            /** Id */
            id: string;
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /** Recommendation */
        Recommendation: {
            /** Message */
            message: string;
            /**
             * Priority
             * @enum {string}
             */
            priority: "high" | "medium" | "low";
            /**
             * Type
             * @enum {string}
             */
            type: "low_cache_hit_rate" | "high_cost_per_request" | "cost_concentrated" | "no_usage";
        };
        /** RefreshRequest */
        RefreshRequest: {
            /**
             * Refresh Token
             * @default null
             */
            refresh_token?: string | null;
        };
        /** RefreshResponse */
        RefreshResponse: {
            /** Access Token */
            access_token: string;
            /**
             * Expires In
             * @description Seconds the access token is valid.
             */
            expires_in: number;
            /**
             * Token Type
             * @constant
             */
            token_type: "bearer";
        };
        /** RegisterRequest */
        RegisterRequest: {
            /**
             * Email
             * Format: email
             */
            email: string;
            /** Full Name */
            full_name: string;
            /** Password */
            password: string;
            /** Tenant Name */
            tenant_name: string;
        };
        /** RegisterResponse */
        RegisterResponse: {
            /**
             * Access Token
             * @description The Cognito ID token (15 minutes); also set as the `access_token` cookie.
             */
            access_token: string;
            tenant: components["schemas"]["Tenant"];
            /**
             * Token Type
             * @constant
             */
            token_type: "bearer";
            user: components["schemas"]["User"];
        };
        /**
         * Role
         * @description Per-project roles, strongest first. A viewer reads; a member also works incidents; an admin also manages
         *     members and integrations; an owner also renames and deletes the project.
         * @enum {string}
         */
        Role: "owner" | "admin" | "member" | "viewer";
        /**
         * Severity
         * @enum {string}
         */
        Severity: "critical" | "high" | "medium" | "low" | "info";
        /**
         * StateChange
         * @description The id, the state and the time it was reached, in that state's field: exactly one of the time fields.
         */
        StateChange: {
            /**
             * Acknowledged At
             * Format: date-time
             */
            acknowledged_at?: string;
            /**
             * Detected At
             * Format: date-time
             */
            detected_at?: string;
            /** Id */
            id: string;
            /**
             * Inconclusive At
             * Format: date-time
             */
            inconclusive_at?: string;
            /**
             * Investigating Started At
             * Format: date-time
             */
            investigating_started_at?: string;
            /**
             * Learned At
             * Format: date-time
             */
            learned_at?: string;
            /**
             * Mitigated At
             * Format: date-time
             */
            mitigated_at?: string;
            /**
             * Resolved At
             * Format: date-time
             */
            resolved_at?: string;
            state: components["schemas"]["IncidentState"];
        };
        /** StateChangeRequest */
        StateChangeRequest: {
            state: components["schemas"]["IncidentState"];
        };
        /** SwitchProjectRequest */
        SwitchProjectRequest: {
            /** Project Id */
            project_id: string;
        };
        /** SwitchProjectResponse */
        SwitchProjectResponse: {
            project: components["schemas"]["Project"];
            user: components["schemas"]["UserWithProject"];
        };
        /** Tenant */
        Tenant: {
            /** Id */
            id: string;
            /** Name */
            name: string;
            /**
             * Slug
             * @description From the name (`Acme Corporation` -> `acme-corporation`), `-2`, `-3`... when taken.
             */
            slug: string;
        };
        /** TestConnectionRequest */
        TestConnectionRequest: {
            /**
             * Config
             * @default {}
             */
            config?: {
                [key: string]: unknown;
            };
            /**
             * Credentials
             * @default {}
             */
            credentials?: {
                [key: string]: string;
            };
            /**
             * Type
             * @enum {string}
             */
            type: "prometheus" | "grafana" | "datadog" | "cloudwatch" | "pagerduty";
        };
        /** TokenUsage */
        TokenUsage: {
            /** Breakdown By Type */
            breakdown_by_type: components["schemas"]["TokenUsageByType"][];
            /**
             * Timeline
             * @description Every day of the range, oldest first (days without requests show zeros).
             */
            timeline: components["schemas"]["TokenUsageDay"][];
            /** Total Cost Usd */
            total_cost_usd: number;
            /** Total Requests */
            total_requests: number;
            /** Total Tokens */
            total_tokens: number;
        };
        /** TokenUsageByType */
        TokenUsageByType: {
            /** Cost Usd */
            cost_usd: number;
            /** Count */
            count: number;
            /** Request Type */
            request_type: string;
            /** Total Tokens */
            total_tokens: number;
        };
        /** TokenUsageDay */
        TokenUsageDay: {
            /** Cost Usd */
            cost_usd: number;
            /**
             * Date
             * Format: date
             */
            date: string;
            /** Requests */
            requests: number;
            /** Tokens */
            tokens: number;
        };
        /** UpdateMemberRequest */
        UpdateMemberRequest: {
            role: components["schemas"]["Role"];
        };
        /** UpdateProjectRequest */
        UpdateProjectRequest: {
            /**
             * Description
             * @default null
             */
            description?: string | null;
            /**
             * Name
             * @default null
             */
            name?: string | null;
        };
        /**
         * User
         * @description A user of the tenant (`POST /auth/register`).
         */
        User: {
            /** Email */
            email: string;
            /** Full Name */
            full_name: string;
            /** Id */
            id: string;
            /** Tenant Id */
            tenant_id: string;
        };
        /**
         * UserWithProject
         * @description A user with their current project and their role there (null when they have none).
         */
        UserWithProject: {
            /** Email */
            email: string;
            /** Full Name */
            full_name: string;
            /** Id */
            id: string;
            /**
             * Project Id
             * @description The current project (`POST /auth/switch-project` changes it).
             */
            project_id: string | null;
            /** @description The user's role in the current project. */
            role: components["schemas"]["Role"] | null;
            /** Tenant Id */
            tenant_id: string;
        };
        /** WebhookAccepted */
        WebhookAccepted: {
            /**
             * Accepted
             * @description Alerts the delivery holds (they open or join incidents moments later).
             */
            accepted: number;
            /**
             * Event Id
             * @description The alerts bus event that carries it.
             */
            event_id: string;
        };
        /**
         * Workflow
         * @description The response steps and where the incident stands (an inconclusive incident has no current step).
         */
        Workflow: {
            /**
             * Allowed Transitions
             * @description The states `PATCH /incidents/{incident_id}/state` may move the incident to now.
             */
            allowed_transitions: components["schemas"]["IncidentState"][];
            current_state: components["schemas"]["IncidentState"];
            /** Incident Id */
            incident_id: string;
            /** Steps */
            steps: components["schemas"]["WorkflowStep"][];
        };
        /** WorkflowStep */
        WorkflowStep: {
            /** Description */
            description: string;
            /** Order */
            order: number;
            /** Reached At */
            reached_at: string | null;
            state: components["schemas"]["IncidentState"];
            /**
             * Status
             * @enum {string}
             */
            status: "completed" | "current" | "pending";
            /** Title */
            title: string;
        };
        /**
         * WsTokenResponse
         * @description A short-lived token for the WebSocket `connect` message (a browser cannot read its HttpOnly cookie).
         */
        WsTokenResponse: {
            /**
             * Expires In
             * @description Seconds the token is valid.
             */
            expires_in: number;
            /** Token */
            token: string;
        };
    };
    responses: {
        /** @description A sign-in without its fields */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Refused by the current state, or a concurrent change */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Insufficient permissions, or no current project */
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
        /** @description Not found (or not visible to the caller) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Request body too large */
        PayloadTooLarge: {
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
        /** @description Rate limit exceeded: retry after `Retry-After` seconds */
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
        /** @description Missing or invalid token (or credentials) */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Validation error (the detail names the fields) */
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
    headers: {
        /** @description Seconds to wait before retrying */
        "Retry-After": number;
        /** @description Requests allowed per minute */
        "X-RateLimit-Limit": number;
        /** @description Requests left in this minute */
        "X-RateLimit-Remaining": number;
        /** @description Seconds until the window ends */
        "X-RateLimit-Reset": number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getCostSummary: {
        parameters: {
            query?: {
                /** @description Number of days, ending today */
                days?: number;
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
                    "application/json": components["schemas"]["CostSummary"];
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
    getIncidentAnalytics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An incident of the caller's current project */
                incident_id: string;
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
                    "application/json": components["schemas"]["IncidentAnalytics"];
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
    getTokenUsage: {
        parameters: {
            query?: {
                /** @description End of the period, included (default: today, UTC) */
                end_date?: string;
                /** @description Start of the period (default: 7 days ago, 7 days before end_date) */
                start_date?: string;
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
                    "application/json": components["schemas"]["TokenUsage"];
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
                    /** @description `access_token` (HttpOnly, Secure, SameSite=Strict, 15 minutes, path /copilot/api/v1) and `refresh_token` (7 days, path /copilot/api/v1/auth) */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
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
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    /** @description both cookies, expired */
                    "Set-Cookie"?: string;
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogoutResponse"];
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
    getCurrentUser: {
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
                    "application/json": components["schemas"]["MeResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    /** @description a fresh `access_token` */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    /** @description `access_token` (HttpOnly, Secure, SameSite=Strict, 15 minutes, path /copilot/api/v1) and `refresh_token` (7 days, path /copilot/api/v1/auth) */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterResponse"];
                };
            };
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    switchProject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SwitchProjectRequest"];
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
                    "application/json": components["schemas"]["SwitchProjectResponse"];
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
    getWsToken: {
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
                    "application/json": components["schemas"]["WsTokenResponse"];
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
            500: components["responses"]["InternalServerError"];
        };
    };
    listIncidents: {
        parameters: {
            query?: {
                /** @description Items per page (max 100; a larger value is a 422) */
                limit?: number;
                /** @description Only this severity */
                severity?: components["schemas"]["Severity"];
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 422 (narrow it with filters) */
                skip?: number;
                /** @description Only this state */
                state?: components["schemas"]["IncidentState"];
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
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateIncidentRequest"];
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
                    "application/json": components["schemas"]["CreatedIncident"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
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
                /** @description An incident of the caller's current project */
                incident_id: string;
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
    listHypotheses: {
        parameters: {
            query?: {
                /** @description Items per page (max 100; a larger value is a 422) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 422 (narrow it with filters) */
                skip?: number;
            };
            header?: never;
            path: {
                /** @description An incident of the caller's current project */
                incident_id: string;
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
                    "application/json": components["schemas"]["Hypothesis"][];
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
    giveHypothesisFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A hypothesis of the incident */
                hypothesis_id: string;
                /** @description An incident of the caller's current project */
                incident_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HypothesisFeedbackRequest"];
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
                    "application/json": components["schemas"]["Hypothesis"];
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
    getIncidentMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An incident of the caller's current project */
                incident_id: string;
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
                    "application/json": components["schemas"]["IncidentMetrics"];
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
    updateIncidentState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An incident of the caller's current project */
                incident_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StateChangeRequest"];
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
                    "application/json": components["schemas"]["StateChange"];
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
    getIncidentWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An incident of the caller's current project */
                incident_id: string;
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
                    "application/json": components["schemas"]["Workflow"];
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
            500: components["responses"]["InternalServerError"];
        };
    };
    listProjects: {
        parameters: {
            query?: {
                /** @description Items per page (max 100; a larger value is a 422) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 422 (narrow it with filters) */
                skip?: number;
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
                    "application/json": components["schemas"]["Project"][];
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
    createProject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProjectRequest"];
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
                    "application/json": components["schemas"]["Project"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    getProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
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
                    "application/json": components["schemas"]["Project"];
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
    deleteProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
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
    updateProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProjectRequest"];
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
                    "application/json": components["schemas"]["Project"];
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
    listMembers: {
        parameters: {
            query?: {
                /** @description Items per page (max 100; a larger value is a 422) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 422 (narrow it with filters) */
                skip?: number;
            };
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
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
                    "application/json": components["schemas"]["Member"][];
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
    addMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMemberRequest"];
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
                    "application/json": components["schemas"]["Member"];
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
    removeMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
                /** @description The member's user id */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
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
    updateMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
                /** @description The member's user id */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMemberRequest"];
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
                    "application/json": components["schemas"]["Member"];
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
    listAlerts: {
        parameters: {
            query?: {
                /** @description Items per page (max 100; a larger value is a 422) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 422 (narrow it with filters) */
                skip?: number;
            };
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
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
                    "application/json": components["schemas"]["Alert"][];
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
    listIntegrations: {
        parameters: {
            query?: {
                /** @description Items per page (max 100; a larger value is a 422) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 422 (narrow it with filters) */
                skip?: number;
            };
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
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
                    "application/json": components["schemas"]["Integration"][];
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
    createIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationCreateRequest"];
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
                    "application/json": components["schemas"]["Integration"];
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
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An integration of the project */
                integration_id: string;
                /** @description A project the caller is a member of */
                project_id: string;
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
                    "application/json": components["schemas"]["Integration"];
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
    deleteIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An integration of the project */
                integration_id: string;
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["X-RateLimit-Limit"];
                    "X-RateLimit-Remaining": components["headers"]["X-RateLimit-Remaining"];
                    "X-RateLimit-Reset": components["headers"]["X-RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
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
    updateIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An integration of the project */
                integration_id: string;
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationUpdateRequest"];
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
                    "application/json": components["schemas"]["Integration"];
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
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    testIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An integration of the project */
                integration_id: string;
                /** @description A project the caller is a member of */
                project_id: string;
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
                    "application/json": components["schemas"]["ConnectionTest"];
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
    testConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project the caller is a member of */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TestConnectionRequest"];
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
                    "application/json": components["schemas"]["ConnectionTest"];
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
            500: components["responses"]["InternalServerError"];
        };
    };
    deliverWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `Bearer <the integration's webhook_token credential>` (or `X-Opsdesk-Token`) */
                Authorization: string;
            };
            path: {
                /** @description The integration the webhook belongs to */
                integration_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookAccepted"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
