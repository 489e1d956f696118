// Generated from docs/api/aura.openapi.json by clients/ts/generate.mjs (openapi-typescript). Do not edit.

export interface paths {
    "/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get global audit log
         * @description Entries of every ticket of the tenant, newest first.
         */
        get: operations["getAuditLog"];
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
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health check
         * @description Public (it names no tenant). `database` reads the tickets table; 503 with `status: unhealthy` when it cannot.
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
    "/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server info
         * @description The deployment's version, environment, model and features.
         */
        get: operations["getInfo"];
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
    "/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics
         * @description The tenant's tickets by status, tokens and the agent's turns and tool calls, from counters kept on write.
         */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Subscribe to all events
         * @description Server-sent events of every ticket of the tenant; `status` and `priority` keep the events of tickets in those statuses and priorities when the event happened. Each event is `id: evt_<n>`, `event: <type>` and `data: {"type","ticketId","timestamp","payload"}`; the types: `connected`, `status_changed`, `turn_started`, `turn_completed`, `tool_called`, `plan_generated`, `approval_needed`, `question_asked`, `commit_created`, `push_completed`, `argo_sync_started`, `argo_health_update`, `error`, `resolved`, `heartbeat`. `connected` opens the stream and `heartbeat` comes every 30 s while idle; neither has an id (resumption counts ticket events only). A fresh connection starts at the present (history is the audit log); the stream ends before the function's time limit with a `retry:` hint, and the client reconnects with `Last-Event-ID`.
         */
        get: operations["streamAllEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
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
         * @description The tenant's tickets, newest first. An unknown status or priority is 400.
         */
        get: operations["listTickets"];
        put?: never;
        /**
         * Create ticket
         * @description A `draft` in the caller's tenant; `POST /tickets/{ticket_id}/run` starts the agent. Beyond the document: `maxTurns` (default 50, at most 500) may be set here too, and the answer is the whole ticket (`GET /tickets/{ticket_id}`'s shape). Unknown fields (`status` among them) are ignored; title and description are trimmed. A body larger than 64 KiB is 400.
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
        /**
         * Get ticket
         * @description The ticket with its plan, token usage and what it waits for (`pendingApproval`, `pendingQuestion`).
         */
        get: operations["getTicket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update ticket
         * @description Metadata only: `status` (or any other field) in the body is ignored. A field may be left out, not null; `maxTurns` may not go below the turns already taken.
         */
        patch: operations["updateTicket"];
        trace?: never;
    };
    "/tickets/{ticket_id}/answer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer question
         * @description Answers the pending question (`pendingQuestion`); without one, 400 QUESTION_NOT_PENDING, also when the question was asked after this request was sent (the one it was sent for was answered meanwhile) or when `questionId` (beyond the document, optional) names another.
         */
        post: operations["answerQuestion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve or deny action
         * @description Answers the pending action (`pendingApproval`); without one, 400 APPROVAL_NOT_PENDING, also when the action was put up after this request was sent (the one it was sent for was decided meanwhile) or when `approvalId` (beyond the document, optional) names another. A denied action is never proposed again: the agent plans anew without it.
         */
        post: operations["respondToApproval"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/approve-plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve plan
         * @description Only in `pending_plan_approval` (else 400 INVALID_TRANSITION); execution starts at once. `approvedBy` defaults to the caller. `planRevision` (beyond the document, optional): the revision approved; another is 400 INVALID_TRANSITION.
         */
        post: operations["approvePlan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get ticket audit log
         * @description The ticket's history, oldest first.
         */
        get: operations["getTicketAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify ticket audit chain
         * @description Beyond the document: recomputes the ticket's hash chain (each entry's hash over its content and the previous entry's hash) and compares it with the head the ticket keeps.
         */
        get: operations["verifyTicketAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel ticket
         * @description Stops the agent at its next turn. An ended ticket (resolved, failed, cancelled) is 400 INVALID_TRANSITION.
         */
        post: operations["cancelTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume ticket
         * @description Only a `paused` ticket (else 400 INVALID_TRANSITION). Grants `additionalTurns` (default 10); the budget may not pass 500 turns (400).
         */
        post: operations["resumeTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run agent
         * @description Starts or continues the agent on a `draft`, `planning`, `pending_plan_approval` (planned again), `executing` or `observing` ticket; it runs asynchronously (follow it on `GET /tickets/{ticket_id}/stream`). A ticket waiting for an approval, an answer or more turns, or an ended one, is 400 INVALID_TRANSITION; a run already holding the ticket is 409 AGENT_BUSY.
         */
        post: operations["runAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tickets/{ticket_id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Subscribe to ticket events
         * @description Server-sent events of one ticket. Each event is `id: evt_<n>`, `event: <type>` and `data: {"type","ticketId","timestamp","payload"}`; the types: `connected`, `status_changed`, `turn_started`, `turn_completed`, `tool_called`, `plan_generated`, `approval_needed`, `question_asked`, `commit_created`, `push_completed`, `argo_sync_started`, `argo_health_update`, `error`, `resolved`, `heartbeat`. `connected` opens the stream and `heartbeat` comes every 30 s while idle; neither has an id (resumption counts ticket events only). A fresh connection starts at the present (history is the audit log); the stream ends before the function's time limit with a `retry:` hint, and the client reconnects with `Last-Event-ID`.
         */
        get: operations["streamTicketEvents"];
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
        /** AgentStarted */
        AgentStarted: {
            /**
             * message
             * @constant
             */
            message: "Agent started";
            /** ticketId */
            ticketId: string;
        };
        /** AgentTotals */
        AgentTotals: {
            /**
             * averageTurnsPerTicket
             * @description Rounded; 0 without tickets.
             */
            averageTurnsPerTicket: number;
            /**
             * toolCalls
             * @description Calls by tool (tools never called are left out).
             */
            toolCalls: {
                [key: string]: number;
            };
            /** totalTurns */
            totalTurns: number;
        };
        /** AnswerRequest */
        AnswerRequest: {
            /** Answer */
            answer: string;
            /**
             * Questionid
             * @default null
             */
            questionId?: string | null;
        };
        /**
         * ApprovalAnswered
         * @description The action was approved or denied; the agent carries on (denied: it plans again without the action).
         */
        ApprovalAnswered: {
            /** id */
            id: string;
            /** pendingApproval */
            pendingApproval: null;
            /**
             * status
             * @constant
             */
            status: "executing";
        };
        /** ApprovalRequest */
        ApprovalRequest: {
            /**
             * Approvalid
             * @default null
             */
            approvalId?: string | null;
            /** Approved */
            approved: boolean;
            /**
             * Reason
             * @default null
             */
            reason?: string | null;
        };
        /** ApprovePlanRequest */
        ApprovePlanRequest: {
            /**
             * Approvedby
             * @default null
             */
            approvedBy?: string | null;
            /**
             * Planrevision
             * @default null
             */
            planRevision?: number | null;
        };
        /**
         * AuditChain
         * @description Whether the stored entries are exactly the chain the ticket's head commits to.
         */
        AuditChain: {
            /**
             * entries
             * @description Entries checked.
             */
            entries: number;
            /**
             * firstBrokenSequence
             * @description Where the chain breaks; null when intact.
             */
            firstBrokenSequence: number | null;
            /** intact */
            intact: boolean;
            /**
             * reason
             * @description Why it breaks; null when intact.
             */
            reason: string | null;
            /** ticketId */
            ticketId: string;
        };
        /**
         * AuditEntry
         * @description One entry of a ticket's hash-chained audit log; `reasoning`, `toolCall`, `tokenUsage` and `details` are
         *     left out when the entry has none.
         */
        AuditEntry: {
            /**
             * action
             * @description What was done: the tool called, `create_ticket`, `<from> -> <to>` for a status change, ...
             */
            action: string;
            /**
             * actor
             * @enum {string}
             */
            actor: "agent" | "user" | "system";
            /**
             * details
             * @description Beyond the document: what else the entry records (the status moved from and to, who approved, the
             *     question and its answer, ...).
             */
            details?: {
                [key: string]: unknown;
            };
            /**
             * hash
             * @description Beyond the document: sha256 over the entry's content and `previousHash`.
             */
            hash: string;
            /** id */
            id: string;
            /**
             * previousHash
             * @description Beyond the document: the hash of the ticket's entry before it (64 zeros for the first).
             */
            previousHash: string;
            /** reasoning */
            reasoning?: string;
            /**
             * sequence
             * @description Beyond the document: the entry's place in the ticket's log, from 1.
             */
            sequence: number;
            /** ticketId */
            ticketId: string;
            /**
             * timestamp
             * Format: date-time
             */
            timestamp: string;
            /** tokenUsage */
            tokenUsage?: components["schemas"]["TokenUsage"];
            /** toolCall */
            toolCall?: components["schemas"]["ToolCall"];
            /** type */
            type: components["schemas"]["AuditType"];
        };
        /** AuditLog */
        AuditLog: {
            /**
             * entries
             * @description A ticket's log oldest first (its history in order); `GET /audit` newest first.
             */
            entries: components["schemas"]["AuditEntry"][];
            /**
             * total
             * @description Entries matching the filters (all pages).
             */
            total: number;
        };
        /**
         * AuditType
         * @description What an audit entry records; the SSE event types that have an audit entry share these names.
         * @enum {string}
         */
        AuditType: "ticket_created" | "ticket_updated" | "status_changed" | "plan_generated" | "plan_approved" | "turn_started" | "turn_completed" | "tool_called" | "approval_needed" | "approval_granted" | "approval_denied" | "question_asked" | "question_answered" | "commit_created" | "push_completed" | "argo_sync_started" | "argo_health_update" | "turns_granted" | "error" | "resolved";
        /** CancelledTicket */
        CancelledTicket: {
            /** id */
            id: string;
            /**
             * status
             * @constant
             */
            status: "cancelled";
        };
        /** CreateTicketRequest */
        CreateTicketRequest: {
            /** Description */
            description: string;
            /**
             * Maxturns
             * @default 50
             */
            maxTurns?: number;
            /**
             * Priority
             * @default medium
             * @enum {string}
             */
            priority?: "low" | "medium" | "high" | "critical";
            /** Title */
            title: string;
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
             * @description `VALIDATION_ERROR`, `INVALID_TRANSITION`, `APPROVAL_NOT_PENDING`, `QUESTION_NOT_PENDING` (400),
             *     `UNAUTHORIZED` (401), `FORBIDDEN` (403), `TICKET_NOT_FOUND`, `NOT_FOUND` (404), `AGENT_BUSY`, `CONFLICT` (409),
             *     `RATE_LIMITED` (429), `INTERNAL_ERROR` (500), `SERVICE_UNAVAILABLE` (503).
             */
            code: string;
            /**
             * details
             * @description Field (or query parameter, or header) -> what is wrong with it (INVALID_TRANSITION: `status` -> the ticket's
             *     status); empty when the error names no field.
             */
            details: {
                [key: string]: string;
            };
            /** message */
            message: string;
        };
        /** Features */
        Features: {
            /**
             * autoMergeOnResolution
             * @description Always false: the working branch is left for a person to merge.
             */
            autoMergeOnResolution: boolean;
            /**
             * destructiveActionApproval
             * @description Always true: destructive actions wait for a person (the policy is code, not a setting).
             */
            destructiveActionApproval: boolean;
            /** planApprovalRequired */
            planApprovalRequired: boolean;
        };
        /** Health */
        Health: {
            /**
             * database
             * @enum {string}
             */
            database: "connected" | "disconnected";
            /**
             * git
             * @description Whether the GitOps remote is configured (and, for a local bare repository, present).
             * @enum {string}
             */
            git: "available" | "unavailable";
            /**
             * llm
             * @description The configured provider (the offline planner is always there; a health check does not call Bedrock).
             * @constant
             */
            llm: "available";
            /**
             * status
             * @description `unhealthy` (with 503) when the tickets table cannot be read.
             * @enum {string}
             */
            status: "healthy" | "unhealthy";
            /**
             * uptime
             * @description Seconds the answering function instance has been up.
             */
            uptime: number;
            /** version */
            version: string;
        };
        /** Info */
        Info: {
            /** environment */
            environment: string;
            /** features */
            features: components["schemas"]["Features"];
            /** llm */
            llm: components["schemas"]["Llm"];
            /** version */
            version: string;
        };
        /** Llm */
        Llm: {
            /** model */
            model: string;
            /**
             * provider
             * @enum {string}
             */
            provider: "bedrock" | "offline";
        };
        /**
         * PendingApproval
         * @description A destructive action the agent waits to have approved (`POST /tickets/{ticket_id}/approve`).
         */
        PendingApproval: {
            /**
             * action
             * @description The tool the agent would call.
             */
            action: string;
            /**
             * actionHash
             * @description sha256 of the tool and its arguments: approving one action never authorises another.
             */
            actionHash: string;
            /**
             * args
             * @description The exact arguments: an approval is bound to them.
             */
            args: {
                [key: string]: unknown;
            };
            /** id */
            id: string;
            /**
             * reasoning
             * @description Why the agent wants to take it.
             */
            reasoning: string;
            /**
             * reasons
             * @description Why the policy calls the action destructive.
             */
            reasons: string[];
            /**
             * requestedAt
             * Format: date-time
             */
            requestedAt: string;
        };
        /**
         * PendingQuestion
         * @description A choice the ticket left open, which the agent asks a person (`POST /tickets/{ticket_id}/answer`).
         */
        PendingQuestion: {
            /**
             * askedAt
             * Format: date-time
             */
            askedAt: string;
            /** id */
            id: string;
            /**
             * key
             * @description The open choice the answer fills (e.g. `namespace`).
             */
            key: string;
            /**
             * options
             * @description Suggested answers (any answer is taken).
             */
            options: string[];
            /** question */
            question: string;
        };
        /** Plan */
        Plan: {
            /** estimatedTools */
            estimatedTools: string[];
            /**
             * revision
             * @description Beyond the document: 1 for the first plan, one more each time the ticket is planned again (a denied action,
             *     `run` on a plan waiting for approval).
             */
            revision: number;
            /** risks */
            risks: string[];
            /** steps */
            steps: components["schemas"]["PlanStep"][];
            /** summary */
            summary: string;
        };
        /** PlanApproved */
        PlanApproved: {
            /** id */
            id: string;
            /**
             * planApprovedAt
             * Format: date-time
             */
            planApprovedAt: string;
            /**
             * status
             * @constant
             */
            status: "executing";
        };
        /** PlanStep */
        PlanStep: {
            /** description */
            description: string;
            /**
             * tool
             * @description The tool the step calls (`git_write_file`, `git_commit`, `argo_sync`, ...).
             */
            tool: string;
        };
        /** QuestionAnswered */
        QuestionAnswered: {
            /** id */
            id: string;
            /** pendingQuestion */
            pendingQuestion: null;
            /**
             * status
             * @constant
             */
            status: "executing";
        };
        /** Resumed */
        Resumed: {
            /** id */
            id: string;
            /**
             * maxTurns
             * @description The budget with the turns granted.
             */
            maxTurns: number;
            /**
             * status
             * @description `executing`, or `planning` when the ticket paused before it had a plan.
             * @enum {string}
             */
            status: "executing" | "planning";
        };
        /** ResumeRequest */
        ResumeRequest: {
            /**
             * Additionalturns
             * @default 10
             */
            additionalTurns?: number;
        };
        /**
         * Stats
         * @description The tenant's tickets, tokens and the agent's work, from counters kept on write.
         */
        Stats: {
            /** agent */
            agent: components["schemas"]["AgentTotals"];
            /** tickets */
            tickets: components["schemas"]["TicketCounts"];
            /** tokenUsage */
            tokenUsage: components["schemas"]["TokenTotals"];
        };
        /**
         * Ticket
         * @description A ticket with its plan, progress, token usage and what it waits for (null when nothing).
         */
        Ticket: {
            /** commits */
            commits: string[];
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /** currentTurn */
            currentTurn: number;
            /** description */
            description: string;
            /**
             * failureReason
             * @description Beyond the document: why a `failed` ticket failed (only there).
             */
            failureReason?: string;
            /** id */
            id: string;
            /**
             * maxTurns
             * @description The turn budget: at it the ticket pauses (`POST /tickets/{ticket_id}/resume` grants more).
             */
            maxTurns: number;
            /** pendingApproval */
            pendingApproval: components["schemas"]["PendingApproval"] | null;
            /** pendingQuestion */
            pendingQuestion: components["schemas"]["PendingQuestion"] | null;
            /**
             * plan
             * @description Null until the agent has planned (and again while it plans anew from a draft).
             */
            plan: components["schemas"]["Plan"] | null;
            /**
             * planApprovedAt
             * @description Beyond the document on this answer: when the current plan was approved.
             */
            planApprovedAt: string | null;
            /**
             * priority
             * @enum {string}
             */
            priority: "low" | "medium" | "high" | "critical";
            /**
             * resolution
             * @description Beyond the document: what the agent did, on a `resolved` ticket (only there).
             */
            resolution?: string;
            /**
             * running
             * @description Beyond the document: a run of the agent holds the ticket now (`POST .../run` would be AGENT_BUSY).
             */
            running: boolean;
            /** status */
            status: components["schemas"]["TicketStatus"];
            /** title */
            title: string;
            /** tokenUsage */
            tokenUsage: components["schemas"]["TicketTokenUsage"];
            /**
             * updatedAt
             * Format: date-time
             */
            updatedAt: string;
            /**
             * workingBranch
             * @description `aura/ticket-<id>`, once the plan is approved; left for a person to review and merge.
             */
            workingBranch: string | null;
        };
        /** TicketCounts */
        TicketCounts: {
            /**
             * byStatus
             * @description Only the statuses that have tickets.
             */
            byStatus: {
                [key: string]: number;
            };
            /** total */
            total: number;
        };
        /** TicketList */
        TicketList: {
            /**
             * tickets
             * @description Newest first.
             */
            tickets: components["schemas"]["TicketSummary"][];
            /**
             * total
             * @description Tickets matching the filters (all pages).
             */
            total: number;
        };
        /**
         * TicketStatus
         * @enum {string}
         */
        TicketStatus: "draft" | "planning" | "pending_plan_approval" | "executing" | "pending_approval" | "pending_input" | "observing" | "paused" | "resolved" | "failed" | "cancelled";
        /**
         * TicketSummary
         * @description A ticket in a list.
         */
        TicketSummary: {
            /**
             * createdAt
             * Format: date-time
             */
            createdAt: string;
            /** id */
            id: string;
            /**
             * priority
             * @enum {string}
             */
            priority: "low" | "medium" | "high" | "critical";
            /** status */
            status: components["schemas"]["TicketStatus"];
            /** title */
            title: string;
            /**
             * updatedAt
             * Format: date-time
             */
            updatedAt: string;
        };
        /**
         * TicketTokenUsage
         * @description Tokens the ticket's model calls used so far, and what they cost.
         */
        TicketTokenUsage: {
            /** completionTokens */
            completionTokens: number;
            /**
             * estimatedCost
             * @description USD by the price table of the configured model (the offline planner is priced as the default Bedrock
             *     model).
             */
            estimatedCost: number;
            /** promptTokens */
            promptTokens: number;
            /** totalTokens */
            totalTokens: number;
        };
        /** TokenTotals */
        TokenTotals: {
            /**
             * estimatedCost
             * @description USD.
             */
            estimatedCost: number;
            /**
             * last7d
             * @description Tokens used in the last 7 days (by the hour).
             */
            last7d: number;
            /**
             * last24h
             * @description Tokens used from the hour 23 hours ago on.
             */
            last24h: number;
            /**
             * total
             * @description Tokens the tenant's tickets used, ever.
             */
            total: number;
        };
        /**
         * TokenUsage
         * @description Tokens the model calls used (an audit entry's: the call it records).
         */
        TokenUsage: {
            /** completionTokens */
            completionTokens: number;
            /** promptTokens */
            promptTokens: number;
            /** totalTokens */
            totalTokens: number;
        };
        /**
         * ToolCall
         * @description The call a `tool_called` entry records.
         */
        ToolCall: {
            /** args */
            args: {
                [key: string]: unknown;
            };
            /** name */
            name: string;
            /** result */
            result: {
                [key: string]: unknown;
            };
        };
        /** UpdateTicketRequest */
        UpdateTicketRequest: {
            /** Description */
            description?: string;
            /** Maxturns */
            maxTurns?: number;
            /**
             * Priority
             * @enum {string}
             */
            priority?: "low" | "medium" | "high" | "critical";
            /** Title */
            title?: string;
        };
    };
    responses: {
        /** @description VALIDATION_ERROR (details name the fields), INVALID_TRANSITION, APPROVAL_NOT_PENDING or QUESTION_NOT_PENDING */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description AGENT_BUSY, or CONFLICT (concurrent changes) */
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
        /** @description TICKET_NOT_FOUND: not a ticket of the caller's tenant */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description SERVICE_UNAVAILABLE: the agent's queue could not be reached. The change is saved; once the run it started has outlived its lease, `run` starts another */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description RATE_LIMITED: throttled; retry shortly */
        TooManyRequests: {
            headers: {
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
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getAuditLog: {
        parameters: {
            query?: {
                /** @description Only this actor's entries */
                actor?: "agent" | "user" | "system";
                /** @description Items per page (max 500; a larger value is a 400) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 400 (narrow it with filters) */
                offset?: number;
                /** @description Entries after this moment (exclusive): an ISO 8601 date-time (UTC without an offset) or a date (its midnight UTC) */
                since?: string;
                /** @description Only this ticket's entries */
                ticketId?: string;
                /** @description Only entries of these types */
                type?: components["schemas"]["AuditType"][];
                /** @description Entries before this moment (exclusive), as `since`; `since` after `until` is 400 */
                until?: string;
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
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditLog"];
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
                    /** @description `no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            /** @description Unhealthy: the tickets table cannot be read (the body is the health report) */
            503: {
                headers: {
                    /** @description `no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getInfo: {
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
                    "application/json": components["schemas"]["Info"];
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
    getStats: {
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
                    "application/json": components["schemas"]["Stats"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    streamAllEvents: {
        parameters: {
            query?: {
                /** @description `Last-Event-ID` for clients that cannot set headers */
                lastEventId?: string;
                /** @description Only tickets of these priorities */
                priority?: ("low" | "medium" | "high" | "critical")[];
                /** @description Only tickets in these statuses */
                status?: components["schemas"]["TicketStatus"][];
            };
            header?: {
                /** @description Resume after this event: `evt_<n>` or `<n>` (else 400) */
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
    listTickets: {
        parameters: {
            query?: {
                /** @description Items per page (max 200; a larger value is a 400) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 400 (narrow it with filters) */
                offset?: number;
                /** @description Only tickets of these priorities */
                priority?: ("low" | "medium" | "high" | "critical")[];
                /** @description Only tickets in these statuses */
                status?: components["schemas"]["TicketStatus"][];
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
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketList"];
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
                    "application/json": components["schemas"]["Ticket"];
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
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
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
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
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
                    "application/json": components["schemas"]["Ticket"];
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
    answerQuestion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnswerRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuestionAnswered"];
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
    respondToApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApprovalRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalAnswered"];
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
    approvePlan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ApprovePlanRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlanApproved"];
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
    getTicketAudit: {
        parameters: {
            query?: {
                /** @description Items per page (max 500; a larger value is a 400) */
                limit?: number;
                /** @description Items to skip (pagination offset). Past the end: an empty page; a page deeper than 10,000 items of a longer list is a 400 (narrow it with filters) */
                offset?: number;
                /** @description Only entries of these types */
                type?: components["schemas"]["AuditType"][];
            };
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
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
                    "application/json": components["schemas"]["AuditLog"];
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
    verifyTicketAudit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
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
                    "application/json": components["schemas"]["AuditChain"];
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
    cancelTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
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
                    "application/json": components["schemas"]["CancelledTicket"];
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
    resumeTicket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
                ticket_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ResumeRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Resumed"];
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
    runAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
                ticket_id: string;
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
                    "application/json": components["schemas"]["AgentStarted"];
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
    streamTicketEvents: {
        parameters: {
            query?: {
                /** @description `Last-Event-ID` for clients that cannot set headers */
                lastEventId?: string;
            };
            header?: {
                /** @description Resume after this event: `evt_<n>` or `<n>` (else 400) */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND) */
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
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
}
