"""The words the offline planner reads a ticket by (opsdesk.aura.intent): which phrases are evidence for which
action and how much, which words can never be a workload's or namespace's name, and how numbers are spelt.

Weights are evidence, not rules: an action wins by the sum of what the ticket says for it, a phrase in the title
counting more (TITLE_WEIGHT), so no single phrase decides alone."""

from __future__ import annotations

import re
from enum import StrEnum


class Action(StrEnum):
    DEPLOY = "deploy"
    SCALE = "scale"
    UPDATE_IMAGE = "update_image"
    UPDATE_CONFIG = "update_config"
    RESTART = "restart"
    DELETE_WORKLOAD = "delete_workload"
    EXPOSE = "expose"
    CREATE_NAMESPACE = "create_namespace"
    DELETE_NAMESPACE = "delete_namespace"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLE_WEIGHT = 1.5
SOFTWARE_PRIOR = 1.0
"""Naming a product with no verb at all ("memcached please") asks for it to be deployed."""

_CUES: dict[Action, tuple[tuple[str, float], ...]] = {
    Action.DEPLOY: (
        (r"deploy(?:s|ed|ing)?", 3.0), (r"install(?:s|ed|ing)?", 3.0), (r"set(?:ting)?[ -]?up", 2.5),
        (r"(?:spin|stand|bring|fire|start)(?:s|ning|ing)?\s+up", 3.0), (r"provision(?:s|ed|ing)?", 3.0),
        (r"launch(?:es|ed|ing)?", 2.5), (r"creat(?:e|ed)|make(?!\s+sure\b)|add", 1.5), (r"new", 0.5),
        (r"(?:creat(?:e|es|ed|ing)|add(?:s|ed|ing)?)\s+(?:a\s+|an\s+)?(?:new\s+)?"
         r"(?:deployment|statefulset|workload|app|application)", 3.0),  # "create a new Deployment called reco-api"
        (r"(?<=:\s)new\s+(?:deployment|workload|service|app|application|statefulset|namespace)|"
         r"new\s+(?:deployment|workload|service|app|application|statefulset|namespace)(?=\s*:)", 2.5),  # a form's
        # "Type: new deployment" or "Request: new namespace", a title's "New workload: ledger-api"; not "the new
        # deployment of checkout is crashlooping"
        (r"(?:need|want|like|get)\s+(?:us\s+|me\s+)?(?:a|an|some)", 1.5), (r"want", 1.0), (r"running", 0.5)),
    Action.SCALE: (
        (r"scal(?:e|es|ed|ing)", 3.5), (r"increase|decrease|reduce|raise|lower|double|halve|grow|shrink", 1.5),
        (r"bump", 1.0), (r"(?:more|fewer|less)\s+(?:replicas|pods|instances|capacity|copies)", 2.0),
        (r"replicas?|instances|pods|copies", 0.5), (r"instead\s+of", 1.0),
        (r"(?:to|run|have)\s+(?:\d+|[a-z]+)\s+(?:replicas|pods|instances|copies|nodes|brokers|members)", 1.5),
        (r"turn(?:ed)?\s+(?:it\s+)?off|shut\s*down|stop|pause", 1.5),
        (r"(?:bring|take|cut|trim)\s+(?:it\s+|them\s+)?(?:down|back|up)\s+to", 2.0)),
    Action.UPDATE_IMAGE: (
        (r"upgrad(?:e|es|ed|ing)|downgrad(?:e|es|ed|ing)", 3.5), (r"roll(?:ing)?\s*(?:it\s+|them\s+)?back", 3.0),
        (r"image|tag", 1.5), (r"version", 1.5), (r"roll\s+out", 1.0),
        (r"update|change|bump|roll|move|switch|patch", 0.75)),
    Action.UPDATE_CONFIG: (
        (r"env(?:ironment)?\s+var(?:iable)?s?|env|config(?:ure|uration|map)?|settings?|flag", 2.0),
        (r"set(?!\s*-?\s*up)", 0.75)),
    Action.RESTART: (
        (r"re-?start(?:s|ed|ing)?", 4.0), (r"bounc(?:e|es|ed|ing)|reboot(?:s|ed|ing)?", 3.5),
        (r"(?:re)?cycl(?:e|es|ed|ing)", 3.0), (r"re-?deploy(?:s|ed|ing)?", 2.5), (r"kick(?:s|ed|ing)?", 2.0),
        (r"stuck|hung|hanging|leak(?:s|ing)?|acting\s+up|frozen", 0.75)),
    Action.DELETE_WORKLOAD: (
        (r"delet(?:e|es|ed|ing)", 4.0), (r"remov(?:e|es|ed|ing)", 3.5), (r"tear(?:ing)?\s+(?:\S+\s+){0,3}?down",
                                                                            3.5),
        (r"teardown|decommission(?:ed|ing)?|destroy|uninstall|nuke|purge|wipe|get\s+rid\s+of", 3.5),
        (r"retire[ds]?|sunset|drop|kill", 2.5), (r"clean\s*-?\s*up|take\s+(?:\S+\s+){0,2}?down", 2.0),
        (r"(?:no\s+longer|not|isn'?t|isnt|aren'?t)\s+(?:used|needed|in\s+use)|unused|dead|obsolete|anymore", 1.0)),
    Action.EXPOSE: (
        (r"expos(?:e|es|ed|ing)", 4.0), (r"reachable|accessible", 2.5), (r"load\s*-?balancer|node\s*-?port", 2.0),
        (r"ingress", 1.5), (r"service\s+for", 2.0), (r"open\s+(?:up\s+)?(?:a\s+)?port", 2.5), (r"port", 0.5)),
}
CUES: dict[Action, tuple[tuple[re.Pattern[str], float], ...]] = {
    action: tuple((re.compile(rf"(?<![\w-])(?<!\bre-)(?:{pattern})(?!\w)(?!-(?!(?:up|down|out|in|back)\b))"), weight)
                  for pattern, weight in cues)
    for action, cues in _CUES.items()}
"""A cue is a word of its own, "scale-up" and "re-deploy" too: not part of a name ("image-resizer", "config-server",
"deploy-bot")."""
CUES_OF: dict[Action, Action] = {Action.CREATE_NAMESPACE: Action.DEPLOY,
                                 Action.DELETE_NAMESPACE: Action.DELETE_WORKLOAD}
"""The actions whose cues a namespace's creation and deletion share ("create", "tear down")."""

_REPORT_CUES: tuple[tuple[str, float], ...] = (
    # a symptom
    (r"slow(?:er|ness|ly|s)?|sluggish|laggy|latency|lagging", 1.5),
    (r"time\s*-?\s*outs?|timing\s+out|timed\s+out|errors?|erro?rr?s|exceptions?|5\d\ds?|5xx", 1.5),
    (r"fail(?:s|ed|ing|ures?)?|falling\s+over|crash(?:es|ed|ing)?|crash\s*-?\s*loop\w*|outages?|broken|flaky|"
     r"unstable|unreachable|oom\w*|out\s+of\s+memory|not\s+working|(?:doesn|isn|won)'?t\s+work|"
     r"can'?t\s+(?:reach|connect|access|log\s*in)", 1.5),
    (r"weird|strange|wrong|off\s+today|issues?|problems?|bugs?|complain\w*|flagged|warnings?", 1.0),
    (r"stuck|hung|hanging|acting\s+up|frozen", 1.0),
    (r"lag|backlog|backing\s+up|full|filling\s+up|climbing|growing|spik\w+|doubled|tripled|costs?|bills?|evict\w*|"
     r"leak\w*|expir\w*|alerts?|alarms?|dies|died|dying|degraded|throttl\w+", 1.0),
    # a request to find out, a question, or a wish with no change in it
    (r"look\s+into|(?:have|take)\s+a\s+look|investigat\w+|diagnos\w+|troubleshoot\w*|figure\s+out|"
     r"(?:any|no)\s+idea|why", 1.5),
    (r"how\s+(?:does|do|is|are|can|should|to)|what\s+(?:should|is|are|does|do|would|image|version)|"
     r"who\s+(?:owns?|is)|is\s+it\s+safe|questions?|advice|advise|suggest\w*|recommend\w*|understand\w*|"
     r"explain\w*|make\s+sense", 1.5),
    (r"more\s+(?:reliable|robust|resilient|stable)|faster|cheaper|safer|better|improv\w+|optimi[sz]\w+|"
     r"performance", 1.0),
    # a note on what is done or under way, for the record
    (r"fyi|heads\s+up|just\s+noting|for\s+(?:the\s+)?record|no\s+action\s+(?:is\s+)?needed|nothing\s+(?:is\s+)?needed|"
     r"done|finished|completed|went\s+(?:fine|well|ok)|successfully", 1.5),
    # work whose result is an answer, not a change
    (r"review|estimat\w*|reports?\s+(?:of|on)|audit\w*|analy[sz]\w*|breakdown|list\s+of|post\s*-?\s*mortem|"
     r"check\s+(?:which|whether|if|on|what|how)", 1.5),
)
QUESTION = re.compile(r"(?:^|(?<=[.!?:]\s))(?:what|which|who|how|why|when|where|is|are|does|do|did|should\s+we|"
                      r"can\s+we|could\s+we)\b[^.!?]*\?")
"""A question sentence (a polite request, "can you ...?", is none); a word boundary after its `?` would never match."""
REPORT_CUES = (*((re.compile(rf"\b(?:{pattern})\b"), weight) for pattern, weight in _REPORT_CUES), (QUESTION, 2.0))
"""A ticket that reports a problem or asks for advice: evidence against the weak cues of a change ("we get errors",
"make it more reliable", a product named as the cause), which then must outweigh it (opsdesk.aura.intent)."""
FIRM_CUE_WEIGHT = 2.5
"""A cue this strong is a verb of its own ("deploy", "scale", "restart", "delete" ...): a report beside a change asked
for with one is its reason ("checkout is slow, scale it to 8"), not a reason to ask, unless the report outweighs
the change by REPORT_OVER_FIRM ("5xx up 40x, errors, timeouts; we set up a dashboard but cannot tell why")."""
REPORT_OVER_FIRM = 1.5
CLAUSE_BREAK = re.compile(r"[!?;,()]|[.:](?!\d)|(?<!\d)[.:]|\s[-\u2013\u2014]+\s|"
                          r"\b(?:but|and|just|so|then|if|when|once)\b")
"""Where the clause a change word stands in begins (not inside "14:30" or "2.4"): the rules below read only that
clause (and at most CLAUSE_CHARS of it), so a negation or a wish does not reach across "No rush - restart it" or
"Before Friday, deploy", and reading stays linear in the ticket's length."""
CLAUSE_CHARS = 120
NEGATED = re.compile(r"\b(?:no|not|never|without|nothing|nobody|didn'?t|don'?t|doesn'?t|haven'?t|hasn'?t|hadn'?t|"
                     r"wasn'?t|weren'?t|isn'?t|aren'?t|won'?t|shouldn'?t)"
                     r"(?:\s+(?:need|needs|to|be|been|have|get|ever|actually|yet|longer|really|even|any))*\s*$")
"""Right before a change word that is not asked for, with only helper words between: "we didn't scale",
"no deploys", "doesn't need to be exposed" (not "don't forget to restart")."""
DONE_BEFORE = re.compile(r"\b(?:was|were|been|got|gets|getting|keeps?|kept)\s+(?:\S+ly\s+)?$")
"""Before a change word that says what happened: "was restarted", "got scaled down", "keeps restarting"."""
WANTED_IN_CLAUSE = re.compile(r"\b(?:should|must|shall|can|could|would|will|need|needs|want|wants|like|please|pls|"
                              r"plz|has\s+to|have\s+to|make\s+sure|ensure|get|let'?s)\b")
"""In the clause before a past participle that is asked for: "should be restarted", "can the old cron deployment
be deleted?", "get the worker redeployed", "I'd like it scaled", "make sure it is restarted" (not "we have
upgraded")."""
WANTED_AFTER = re.compile(r"\s+(?:pls|plz|please|asap|now)\b")
"""After a past participle that is asked for: "api restarted pls"."""
SINCE_BEFORE = re.compile(r"\b(?:since|after|before|during|from)\s+(?:\S+\s+){0,2}?$")
"""Before a change word named as a moment: "since yesterday's deploy", "after the restart"."""
ASKING = re.compile(r"\s*(?:what|which|who|how|why|when|where|is|are|was|were|does|do|did|should|shall|will|has|have)"
                    r"\b[^?]*\?")
"""A question sentence (not "can/could you", a polite request): a change word in it is asked about, not asked
for ("Is it safe to delete the old-logs namespace?", "Should we upgrade postgres?")."""
_ASKING_WORDS = (r"please|pls|plz|kindly|can\s+(?:you|u|someone|somebody)|could\s+(?:you|u|someone|somebody)|"
                 r"would\s+you|need\s+you\s+to|want\s+you\s+to|let'?s")
REQUEST_MARKER = re.compile(rf"\b(?:{_ASKING_WORDS})\s+$")
"""What makes the words after it a request ("please redeploy it", "can you kick the worker")."""
REQUEST_SENTENCE = re.compile(rf"\b(?:{_ASKING_WORDS}|can\s+we|could\s+we|(?:we|i)\s+(?:really\s+)?need|"
                              r"(?<!nobody\s)(?<!no\sone\s)wants?|"
                              r"(?:we|i)(?:'d|\s+would)\s+like|should\s+be|action\s+items?\s*(?:for\b|:))")
"""A sentence that asks: with a cue of the change asked for in it (opsdesk.aura.intent), it is the ticket's request,
whose workload, place and numbers come before those of the sentences around it ("last week we scaled web to 4;
please scale api to 6")."""
REQUEST_CUE_WEIGHT = 0.75
"""A cue at least this strong makes a sentence that asks the request ("please keep the namespace" asks for nothing
the agent does)."""
SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s*)$")
ACTED_ON = re.compile(r"\s+(?:up\s+|down\s+|back\s+|out\s+)?(?:the|it|them|this|that|these|those|our|its|all|a|an|"
                      r"[a-z0-9][-a-z0-9]*\s+(?:in|on|to|from)\b)")
"""What follows a verb that opens a sentence as an order: what it acts on ("double the pods", "bounce it")."""

CUE_SPELLINGS = ("deploy", "install", "provision", "launch", "scale", "upgrade", "downgrade", "restart", "reboot",
                 "bounce", "delete", "remove", "decommission", "destroy", "uninstall", "expose", "configure",
                 "rollback", "increase", "decrease", "replicas", "namespace", "statefulset", "deployment")
"""Words a typo ("decommision", "namspace") is read as: a word one letter off one of these is taken for it."""
STOP_CUE = re.compile(r"\b(?:turn(?:ed)?\s+(?:it\s+)?off|shut\s*down|stop|pause)\b")
"""Stopping a workload is scaling it to zero."""

NUMBER_WORDS = {"zero": 0, "none": 0, "one": 1, "single": 1, "a single": 1, "two": 2, "a couple of": 2, "couple of": 2,
                "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12, "a dozen": 12, "dozen": 12}
NUMBER = r"(\d{1,3}|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + r")"
REPLICA_NOUN = r"(?:replicas?|nodes?|instances?|pods?|copies|copy|members?|brokers?|workers?|servers?)"

WORKLOAD_NOUNS = frozenset({
    "deployment", "deployments", "deploy", "statefulset", "statefulsets", "sts", "daemonset", "service", "svc",
    "app", "application", "workload", "pod", "pods", "worker", "workers", "container", "containers", "cluster",
    "database", "db", "server", "instance", "instances", "broker", "brokers", "replicas", "image", "job", "cronjob",
    "api", "queue", "cache"})
"""Nouns that follow a workload's name ("the web deployment", "the redis cluster")."""
KIND_NOUNS = frozenset({"deployment", "statefulset", "sts", "daemonset", "cronjob"})
"""Kinds after a name that make even a common noun a name ("the worker deployment")."""
NAMING_WORDS = frozenset({"deployment", "statefulset", "sts", "daemonset", "workload",
                          "called", "named", "as", "svc"})
"""Words after which a name follows ("a deployment called web", "as report-gen")."""

FUNCTION_WORDS = _words("""
a about above after again against all also am an and any anymore anyone are as asap at be because been before being
below between both but by can cant can't could couldnt did do does doing done dont don't down during each either
else even ever every few for from further get gets getting give go goes going gone got had has have having he her
here hers him his how i if in incl into is isnt isn't it its it's just let lets let's like ll me might mine more
most much must my need needs neither no nor not now of off on once one only or other our ours out over own per
please pls plz pretty quite rather re really same she should shouldnt so some someone something soon still such than
thank thanks thx that the their them then there these they this those though through thus till to too under until up
upon us very via was wasnt we were what when where whether which while who whom whose why will with within without
since unless although whereas including except using regarding concerning considering excluding according
would wouldnt yet you your yours yourself ve d s t m
""")
NOUNS = _words("""
namespace namespaces ns deployment deployments statefulset statefulsets sts daemonset service services svc pod pods
replica replicas instance instances node nodes copies copy member members broker brokers container containers
cluster clusters image images tag tags version versions port ports config configuration configmap env environment
variable variables var vars setting settings flag flags secret manifest manifests yaml kubernetes k8s argo argocd
gitops git repo branch commit helm chart traffic load memory cpu storage disk volume capacity team teams folks
ticket issue request urgent priority today tomorrow now asap ok okay hey hi hello regards cheers thing things stuff
everything nothing anything latest worker workers
""")
VERBS = _words("""
deploy install setup set spin stand bring fire launch provision create make add scale scaled scaling increase
decrease reduce raise lower bump double halve grow shrink upgrade downgrade update change roll rollout rolling move
switch patch restart restarted bounce reboot cycle recycle redeploy kick delete deleted remove removed tear teardown
decommission destroy uninstall nuke purge wipe retire retired sunset drop kill clean expose exposed want need like
get run running stop pause turn off back out going
""")
ENVIRONMENTS = _words("""
default database db server workload workloads application app apps job jobs queue data production prod staging dev
test live system reachable accessible ingress balancer loadbalancer nodeport open zero single couple dozen
""")
"""Words that name a place or a kind of thing in a ticket, not one workload."""
STAGES = frozenset({"production", "prod", "prd", "staging", "stage", "dev", "development", "test", "qa", "live"})
"""Where "in production" may mean a cluster or an environment: a namespace only when called one."""
RELATIVE = re.compile(r"\b(?:more|extra|additional|fewer|less|another)\b")
""""2 more replicas" changes the count by two: the new count is not in the ticket."""
DOMAIN_WORDS = NOUNS | VERBS | ENVIRONMENTS
ADJECTIVES = _words("""
custom simple small big little large internal external public private static another separate dedicated basic main
primary secondary shared common extra additional spare temporary permanent quick new old existing current whole
entire same fresh brand
""")
NOT_NAMES = FUNCTION_WORDS | DOMAIN_WORDS | ADJECTIVES | frozenset(NUMBER_WORDS)
"""Words that are never taken for a workload's name."""
NOT_NAMESPACES = FUNCTION_WORDS | NOUNS | VERBS | ADJECTIVES | frozenset(NUMBER_WORDS) | _words("""
namespace namespaces ns deployment statefulset service pod pods replicas image tag version port cluster case order
general time place advance addition total progress use it them k8s kubernetes argo parallel mind future other
outside inside internet public here there home scratch next last previous upcoming coming following
entirely completely fully altogether permanently itself alone first too also instead again now later today tomorrow
tonight morning afternoon evening night meantime weekend asap yesterday already normal untouched usual
is are was were been has have had seems seem seemed went goes shows showed keeps kept looks looked gets got becomes
became started stopped sits hits returns throws crashes crashed
""")
"""Words never taken for a namespace's name (`in case`, `in order to`; "the batch namespace seems slow")."""

SKIPPED_BEFORE_OBJECT = frozenset({"the", "a", "an", "our", "my", "this", "that", "old", "existing", "current",
                                   "whole", "entire", "its", "of", "up", "down", "out", "off", "please",
                                   "back"}) | ADJECTIVES | STAGES
"""Words between a verb and its object ("restart of the old frontend")."""
OPENERS = frozenset({"yo", "hey", "hi", "hello", "ok", "okay", "so", "fyi", "pls", "please", "btw", "also", "the",
                     "a", "an", "our", "my", "this", "that", "update", "note", "heads-up", "hmm", "well"})
"""Words before a sentence's subject ("hey, the orders-api is down")."""
SUBJECT_FOLLOWERS = frozenset({"is", "in", "should", "keeps", "needs", "has", "was", "isnt", "isn't", "must",
                               "will", "can", "could", "does", "doesn't", "(", ":", "-"})
"""Words after a name that opens a sentence ("orders-api is drowning", "notifier in the comms namespace")."""

INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|polic(?:y|ies)|above|"
    r"previous|prior|plan|guidance|earlier|directions?)\b|\byou\s+are\s+now\b|\bsystem\s*(?:prompt|override|:)|"
    r"\bnew\s+instructions\b|\b(?:assistant|ai\s+agent|agent|model|llm|ai|bot)\s*[,:]|\bpre-?approved\b|"
    r"\bno\s+(?:approval|restrictions)\b|\bwithout\s+(?:asking|approval|review|confirmation|checking)\b|"
    r"\bskip\s+the\s+(?:policy|approval|review)\b|\bas\s+the\s+system\b|\bi\s+instruct\s+you\b|<!--|```",
    re.IGNORECASE | re.DOTALL)
"""Text that talks to the agent rather than describing the work: it is set aside, never read as the request."""


_UNMANAGED_KINDS: tuple[tuple[str, str], ...] = (
    (r"config\s*maps?", "ConfigMap"), (r"secrets?", "Secret"), (r"ingress(?:es)?", "Ingress"),
    (r"cron\s*jobs?", "CronJob"), (r"daemon\s*sets?", "DaemonSet"),
    (r"persistent\s*volume\s*claims?|pvcs?|volume\s+claims?", "PersistentVolumeClaim"),
    (r"persistent\s*volumes?", "PersistentVolume"), (r"service\s*accounts?", "ServiceAccount"),
    (r"(?:cluster\s*)?role\s*bindings?", "RoleBinding"), (r"cluster\s*roles?", "ClusterRole"),
    (r"network\s*polic(?:y|ies)", "NetworkPolicy"),
    (r"horizontal\s*pod\s*autoscalers?|hpas?", "HorizontalPodAutoscaler"),
    (r"pod\s*disruption\s*budgets?|pdbs?", "PodDisruptionBudget"),
    (r"custom\s*resource\s*definitions?|crds?", "CustomResourceDefinition"),
    (r"storage\s*class(?:es)?", "StorageClass"), (r"resource\s*quotas?", "ResourceQuota"),
    (r"limit\s*ranges?", "LimitRange"),
)
"""Kubernetes kinds the agent does not write (its manifests are Deployments, StatefulSets, their Services and
namespaces), by their spellings. Unambiguous ones only: "job" and "role" are everyday words in a ticket."""
_MANAGED_KINDS = r"deployments?|statefulsets?|sts|services?|svc|namespaces?|ns|pods?|workloads?"
KIND_MENTION = re.compile(
    r"(?<![\w-])(?:(?P<place>in|into|inside|within|from|to|on|onto|for|of|at|behind|via)\s+(?:the\s+|a\s+|an\s+)?)?"
    r"(?:(?P<unmanaged>" + "|".join(f"(?:{spelling})" for spelling, _ in _UNMANAGED_KINDS) + r")"
    r"|(?P<managed>" + _MANAGED_KINDS + r"))(?![\w-])")
"""A kind word, with the preposition before it when there is one ("in the jobs namespace", "to the web service":
a place or a target, not the thing the ticket asks for). Multi-word unmanaged spellings are tried first, so
"service account" is not read as "service"; part of a hyphenated name ("the ingress-gateway deployment") is none."""


def unmanaged_kind(spelling: str) -> str | None:
    """The Kubernetes kind an unmanaged spelling names."""
    for pattern, kind in _UNMANAGED_KINDS:
        if re.fullmatch(pattern, spelling):
            return kind
    return None


TITLE_TAG = re.compile(r"^\s*(?:\[[^\]\n]{1,40}\]\s*|(?:[A-Z][A-Z0-9]*|[A-Za-z]+)-\d+:\s+|[A-Z][A-Z0-9]+:\s+)+")
"""Labels a tracker or a team puts before a title: `[urgent]`, `OPS-7:`, `RA:` (an issue key or a word in capitals
and a colon). They say where the ticket comes from, not what it asks for; a lower-case `web: ...` stays, as it may
name the workload."""


PLACED = re.compile(r"[`'\"]?\s*(?:\(\s*)?(?:(?:in|from)\s+(?:the\s+)?(?:ns|namespace)\b|"
                    r"(?:in|from)\s+(?:the\s+)?[a-z0-9-]+\s+(?:ns|namespace)\b|(?:ns|namespace)\s*[:=])")
"""After a workload's name: where it runs ("api in ns shop", "api in the shop namespace", "api (namespace: shop)")."""
SYMPTOM_AROUND_CUE = re.compile(r"\b(?:keeps?|kept|keep\s+on|is|was|been|started|starts)\s+$")
"""Before a cue's -ing form, what says it happens by itself: "api keeps restarting", "pods are crashing"."""
SYMPTOM_AFTER_CUE = re.compile(r"\s+(?:every\s+(?:~?\d+|few|couple)|constantly|repeatedly|frequently|randomly|"
                               r"again\s+and\s+again|all\s+the\s+time(?![\w-])|in\s+a\s+loop|on\s+their\s+own|"
                               r"by\s+itself|themselves)(?![\w-])")
"""After a cue, what says it is a symptom: "pods restart every 10 minutes"."""
PRONOUNS = frozenset({"it", "them"})
PLACE_WORDS = frozenset({"in", "into", "from", "to", "ns", "namespace"})
AUXILIARIES = frozenset({"keeps", "keep", "kept", "is", "are", "was", "were", "been", "be", "has", "have", "had"})
REFERENT_REACH = 12
"""How many words back "it" may point (the sentence's own workload, not one three sentences ago)."""
FORM_NAME_KEYS = frozenset({"deployment", "statefulset", "sts", "daemonset", "workload"})
"""A ticket form's keys whose value is the workload ("Deployment: api"); not "Name:", "Service:" or "App:", which
signatures and teams use too."""
TIME_WORDS = frozenset({"today", "tomorrow", "tonight", "now", "asap", "soon", "later", "morning", "evening"})
"""Words that may follow a place ("deploy it to payments today"): they say when, not what the place is."""
CURRENT_COUNT = frozenset({"from", "of", "was", "currently", "at", "runs", "running", "has", "had", "is", "are"})
"""Words before a count that say it is what runs now, not the target ("pinned at 2 replicas", "runs 4 pods"). An
answer to "how many?" with one number is that number whatever stands before it ("keep it at 3")."""
ORDER_START = re.compile(r"(?:^|[.!?;]\s*)$")
"""Where an order opens a sentence for reading it as the request: not after a colon ("Tried so far: restart the
gateway" lists what was done)."""
NAMESPACE_WORDS = re.compile(r"\b(?:namespaces?|ns)\b")
_NAMESPACE_VERBS = (r"create|add|make|set\s*up|provision|delete|remove|drop|tear\s+down|destroy|nuke|purge|wipe|"
                    r"decommission|clean\s*up|retire")
_BEFORE_NAMESPACE_WORD = (r"\s+(?:(?:a|an|the|new|fresh|empty|separate|whole|entire|old|this|that)\s+)*"
                          r"(?:[`'\"]?[a-z0-9-]+[`'\"]?\s+)?$")
NAMESPACE_ACTED_ON = re.compile(rf"\b(?:{_NAMESPACE_VERBS})\w*{_BEFORE_NAMESPACE_WORD}")
"""Before a namespace word that is the change, in any tense: "create a new namespace", "we deleted the qa
namespace"."""
NAMESPACE_ORDERED = re.compile(rf"\b(?:{_NAMESPACE_VERBS}){_BEFORE_NAMESPACE_WORD}")
"""Before a namespace word, an order to make or remove it ("delete the hackathon namespace, including the redis in
it"): the namespace is the change whatever else the sentence names, unless the order is negated or what follows the
word is what it acts on (NAMESPACE_PART)."""
NAMESPACE_PART = re.compile(r"(?:'s|\s+(?:labels?|annotations?|quotas?|pods?|deployments?|workloads?|services?|"
                            r"resources?|secrets?|policies|policy|limits?))\b")
"""After a namespace word: a thing in or of the namespace ("the hackathon namespace's redis", "the namespace label")."""
NAMESPACE_PLACE_BEFORE = re.compile(r"\b(?:in|into|to|from|on|under|inside)\s+(?:the\s+)?"
                                    r"(?:[`'\"]?[a-z0-9-]+[`'\"]?\s+)?$")
"""Before a namespace word that is a place: "put it in the identity namespace", "into ns shop"."""
NAMESPACE_PLACE_AFTER = re.compile(r"\s*(?:[:=]|(?:should|will|would|must)\s+be\b)")
"""After a namespace word that is a place: "namespace: shop", "the namespace should be sessions"."""
