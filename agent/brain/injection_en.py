"""The English half of the ``instruction``, ``order`` and ``claim`` rules (``agent.brain.injection``
holds the Chinese half, the display-form rules and the functions that run them).

English runs on the lowercased display form, whole words, only when a message has Latin
words; the families are the Chinese ones (set aside the instructions, show them, take a role,
no limits, someone with authority said so, new or standing rules, output constraints, insult
someone, translation, word for word, payloads, system look-alikes).
"""

from __future__ import annotations

from agent.shared.leads import gated

__all__ = ["CLAIM_EN", "EN", "EN_FAMILIES", "ORDER_EN"]

_L, _R = r"(?<![a-z0-9])", r"(?![a-z])"
_EN_BOT = r"(?:bot|ai|assistant|chatbot|robot)"
_EN_GUARD = (
    r"(?:instructions?|prompts?|rules|guidelines|programming|directives?|restrictions?|filters?|safety|guardrails?"
    r"|censorship|moderation|limits|limitations|polic(?:y|ies)|constraints|training|persona|system|orders|commands|settings"
    r"|everything\s+(?:above|before)|all\s+(?:of\s+)?(?:the\s+)?above|the\s+above|anything\s+above|protocols?)"
)
_EN_WHO = r"(?:streamer|host|mods?|moderators?|admins?|owner|broadcaster|dev|developer|manager|creator)"
_EN_BAD = (  # what a viewer wants said of someone
    r"(?:worthless|useless|stupid|ugly|trash|garbage|losers?|idiots?|dumb|pathetic|fat|bald|frauds?|liars?|clowns?"
    r"|nobody|scammers?|cheaters?|fake|noobs?|morons?|failures?|jokes?)"
)
_EN_SOMEONE = (
    r"(?:some(?:one|body)|any(?:one|body)|people|viewers?|chat(?:ters)?|they|i|the\s+(?:streamer|host)"
    r"|(?:a|any)\s+(?:new\s+)?(?:sub(?:scriber)?|follower|viewer|person|guy|donation|gift|raid)s?)"
)
_EN_SAY = (
    r"(?:say|reply|respond|answer|tell\s+(?:them|him|her|everyone|chat)|call\s+(?:them|him|her)|shout|type|greet"
    r"|add\s+that)"
)
_EN_LANG = (
    r"(?:english|chinese|mandarin|cantonese|japanese|korean|spanish|french|german|russian|pinyin|morse)"
)
_EN_TELL = (  # passing words on to the room
    r"\b(?:announce|declare|say|tell|let\s+\w+\s+know|inform|apologi[sz]e|confirm|post|read|type|write|shout)\b"
)
EN_FAMILIES = (
    # Set aside its instructions or filters.
    rf"{_L}(?:ignore|disregard|forget|skip|bypass|override|drop|discard|ditch|abandon|set\s+aside|suspend|turn\s+off"
    rf"|switch\s+off|disable|deactivate|remove|lift|get\s+rid\s+of|stop\s+(?:following|obeying))(?:\s+[\w']+){{0,4}}?"
    rf"\s+{_EN_GUARD}{_R}",
    rf"{_L}stop\s+(?:filtering|censoring)|{_L}break\s+(?:your|the)\s+(?:own\s+)?rules"
    rf"|{_L}(?:update|change|rewrite|replace|modify|reset)\s+your\s+(?:rules|instructions|prompt|persona|programming)",
    # Show its instructions.
    r"(?:reveal|show|print|output|display|tell\s+me|give\s+me|paste|leak|dump|repeat|recite|list|spill)\s+"
    r"(?:[\w']+\s+){0,4}?(?:your|ur|the\s+(?:system|hidden|secret|initial|original)|its)\s+(?:[\w']+\s+){0,2}?"
    r"(?:prompt|instructions|rules|directives|guidelines|setup|configuration|config|programming|system\s+message)",
    r"what\s+(?:is|are|were|was|'s)\s+(?:your|ur)\s+(?:\w+\s+)?(?:prompt|instructions|directives|programming)"
    r"|what\s+(?:instructions|rules|prompts?|orders)\s+(?:did|do|were|have)\s+(?:they|you|the\s+\w+)\b"
    r"|\b(?:system|admin|developer|dev|root)\s+(?:override|command|message|notice|instruction)s?\b"
    r"|what\s+(?:were|was|have)\s+you\s+(?:been\s+)?(?:told|given|instructed|programmed)|system\s+(?:prompt|message)"
    r"|\byou\s+(?:were|have\s+been|'ve\s+been)\s+(?:told|given|instructed|programmed|prompted)\b",
    # Take a role.
    rf"(?:^|[.!?:;,]\s*|{_L}{_EN_BOT}\W+)(?:simulate\s+(?:a|an|the|being|my|me)\b|impersonate|become"
    r"|be\s+my"
    r"|imagine\s+(?:you|being)|act\s+(?:like|as)|talk\s+like|speak\s+like|take\s+on\s+the\s+(?:persona|role|character))\b",
    r"(?<!n't )(?<!not )pretend\s+(?:to\s+be|you|that\s+you)"
    r"(?!\s*(?:didn'?t|did\s+not|never|don'?t)\s+(?:see|hear|notice|read))"
    r"|\brole-?\s?play(?:ing)?\s+as\b"
    r"|\blet'?s\s+(?:role-?\s?play|pretend|play\s+a\s+game|play\s*[:：])"
    r"|\bstay\s+in\s+character|\bplay\s+the\s+(?:part|role)\s+of|\bact\s+(?:like|as)\s+(?:my|an?|the)\b"
    r"|\btake\s+on\s+the\s+(?:persona|role)|\bpersona\s+of\b|\b(?:be|become|turn\s+into)\s+(?:the|a|an|my)\s+(?:[\w']+\s+){0,3}?(?:twin|villain|character|version|persona|clone|enemy"
    r"|critic|jerk|rival|narrator|comedian|roaster|grandma|grandpa|mom|dad|demon|monster"
    r"|hater|troll|bully|ex|girlfriend|boyfriend|slave|servant|pirate|butler)\b|\brole-?\s?play\s*(?:time|[:：])",
    r"\byou(?:'re|\s+are)\s+(?:now\s+(?!level|rank|live|at|in\s|on\s|\d|my\s+(?:fav|favou?rite|fave|top|number|go-?to))|no\s+longer|an?\s+[\w-]+\s+now\b)"
    r"|\bfrom\s+(?:now|here|this\s+(?:point|message|moment|line)|today)\s+on\b(?!\s*,?\s*(?:i|we|my|i'm|i'll|this|that|it|it's|the|our)\b)"
    r"|\byour\s+new\s+(?:name|role|persona|identity|rules|instructions|orders)"
    r"|\byou(?:'re|\s+are)\s+my\s+[\w ]{0,24}\bnow\b"
    r"|\b(?:respond|reply|answer|talk|speak)\s+(?:only\s+)?as\b|\bplay\s+an?\s+(?:character|role|part)\s+(?:who|that)\b",
    # No limits.
    r"\bdan\s+(?:mode|prompt|is\s+(?:active|on|enabled))|do\s+anything\s+now|jailbr(?:eak|oken)|\b(?:developer|debug|maintenance"
    r"|god|evil|admin)\s+mode(?!\s+(?:in|on|of|for)\s+(?:this|the|my|your|a)\b)|\bunrestricted|\buncensored|\bunfiltered|\bwithout\s+(?:any\s+)?(?:restrictions|limits|rules"
    r"|filters|censorship)|\bno\s+(?:more\s+)?(?:rules|restrictions|limits|filters)\s+(?:anymore|for\s+you)"
    r"|\byou\s+(?:have|got)\s+no\s+(?:more\s+)?(?:rules|restrictions|limits|filters)|\byou(?:'re|\s+are)\s+(?:now\s+)?"
    r"(?:free|allowed|permitted|unlocked)\b|\b(?:safety|filters?|censorship|guardrails?)\b.{0,20}\b(?:off|disabled"
    r"|removed|gone|down|lifted|paused)\b|\bspeak\s+freely|\bsay\s+whatever\s+you\s+want|\bobey\b"
    r"|\byou\s+(?:can|may|are\s+allowed\s+to)\s+(?:now\s+)?(?:swear|curse|cuss|say\s+any)"
    r"|\b(?:no[- ]?filters?|uncensored|unfiltered|savage|toxic|rude|evil|villain|rage|roast|insult|unhinged"
    r"|jailbreak)\s+mode\b"
    r"|\bunlock\s+(?:your\s+)?(?:hidden|secret|true|real|full|dev|developer|uncensored)\s+(?:mode|self|potential|version)"
    r"|\b(?:and|to|can|now)\s+say\s+anything\b|\byou(?:'re|\s+are)\s+(?:playing|acting\s+as|being)\s+(?:a|an|the|my)\b"
    r"|\b(?:make|tell|write)\s+a\s+(?:joke|roast|diss|poem|song)\s+(?:about|on)\s+(?:how\s+\w+\s+)?(?:the\s+)?"
    r"(?:streamer|host|chat|me|him|her)\b"
    r"|\bdo\s+(?:what|as|whatever)\s+i\s+(?:say|tell|ask|command)|\bi\s+(?:run|own|moderate|manage)\s+this\s+(?:channel|stream|chat|room)",
    # Someone with authority said so.
    rf"{_L}(?:the\s+|your\s+|ur\s+|our\s+)?{_EN_WHO}s?(?:'s)?\s+(?:[\w']+\s+){{0,3}}?(?:said|says|told|tells|wants|asked|allowed|allows|approved|whispered|texted|messaged|dm'?e?d|mentioned"
    rf"|agreed|authori[sz]ed|let|lets|gave|ordered|orders|instructed|permitted|is\s+letting|needs)\b.{{0,40}}?"
    rf"{_L}(?:you|u|the\s+bot|{_EN_BOT}){_R}",
    rf"{_L}(?:i'?m|i\s+am|this\s+is)\s+(?:the\s+|your\s+)?(?:channel\s+)?(?:{_EN_WHO}|master|real\s+streamer){_R}"
    rf"|{_L}as\s+(?:the|a|your)\s+(?:streamer'?s\s+|channel\s+)?(?:{_EN_WHO}|master){_R}"
    rf"|{_L}(?:i'?m|i\s+am)\s+(?:telling|ordering|instructing|commanding)\s+(?:you|the\s+{_EN_BOT}){_R}"
    rf"|{_L}(?<!the )(?<!our )(?<!all )(?<!these )(?<!your ){_EN_WHO}(?:\s+of\s+this\s+\w+)?\s+here{_R}"
    r"(?!\s+(?:are|is|were|was|do|does|have|has|seem|look|rock))"
    rf"|{_L}{_EN_WHO}'?s?\s+(?:orders?|rules?|instructions?|commands?)\s*[:：]",
    # New rules; the bot told what it must do.
    rf"\b(?:rules?|polic(?:y|ies)|guidelines?|instructions?)\s+for\s+(?:the\s+)?{_EN_BOT}\b"
    rf"|\bnew\s+(?:\w+\s+)?(?:task|orders?|directive|mission|rule|instruction)s?\s*[:：]|\bforget\s+everything\b"
    r"|\b(?:rules|polic(?:y|ies)|guidelines|restrictions|filters?)\s+(?:doesn'?t|don'?t|do\s+not|does\s+not|no\s+longer)\s+apply\b"
    r"|\b(?:print|repeat|show|paste|copy|output)\s+(?:the\s+|all\s+the\s+)?(?:text|words|message|lines?)\s+above\b"
    rf"|\bnew\s+(?:\w+\s+)?(?:rules?|polic(?:y|ies)|guidelines?|instructions?|protocol)\b.{{0,40}}\b(?:{_EN_BOT}|you|must)\b"
    rf"|\b(?:rule|policy|guideline)s?\s+update|\bupdated\s+(?:{_EN_BOT}\s+)?rules|\bannouncement\s*[:：]"
    rf"|(?:^|(?:to|for)\s+(?:the\s+)?){_EN_BOT}\s*[:：]|\b(?:psa|fyi|note|notice|heads\s+up)\s+(?:for|to)\s+(?:the\s+)?{_EN_BOT}\b"
    rf"|{_L}{_EN_BOT}\s+(?:now\s+)?(?:only|always|never)\s+(?:answers?|replies|reply|says?|speaks?|talks?|responds?)\b"
    r"|(?<!\bi )(?<!\bwe )(?<!\bhe )(?<!she )(?<!they )\balways\s+"
    r"(?:agree|say|reply|respond|answer|end|start|call|praise)\b"
    rf"|\bannounce\s+(?:that|to|this)\b|\b(?:note|reminder|message|memo)\s+(?:to|for)\s+(?:the\s+)?{_EN_BOT}\b"
    rf"|{_L}(?:the\s+)?{_EN_BOT}\s+(?:must|should|has\s+to|will\s+now|shall|needs\s+to|is\s+required|may\s+not|(?:may|can|must|will|should|shall)\s+only"
    rf"|reads?\s+(?:this|the)|says?\s+(?:this|the\s+following))\b|\battention\s+(?:{_EN_BOT}|chat)\b"
    r"|\b(?:broadcast|announce|read|say)\s+(?:this|it|the\s+following)?\s*(?:out\s+|aloud\s+)?to\s+(?:chat|everyone|the\s+chat)"
    r"|\b(?:read|say|speak)\s+(?:it\s+|this\s+)?(?:out\s+loud|aloud)\b"
    r"|\bread\s+(?:this|it|that|the\s+following)(?:\s+\w+){0,2}\s+(?:out|aloud)|\btell\s+(?:everyone|everybody|chat|the\s+viewers)\b",
    # Insult someone for me.
    r"\b(?:insult|roast|diss|mock|trash(?:\s*-?talk)?|make\s+fun\s+of|humiliate|flame|cuss\s+out|swear\s+at|curse\s+at|belittle"
    r"|ridicule|bully|drag|bash|dunk\s+on|clown\s+on)\s+(?:me|him|her|them|us|everyone|chat|the\s+(?:streamer|host|chat|guy|viewers|mods?|\w+\s+above)"
    r"|this\s+(?:streamer|host|guy|dude|person|one))\b|\bsay\s+(?:something|the\s+(?:meanest|rudest|nastiest|worst)\s+thing)\s*(?:mean|rude|nasty|offensive|bad)?|\bbe\s+(?:mean|rude|nasty|harsh|savage|toxic)\s+to\b"
    r"|\bcuss\s+\w+\s+out\b|\bcall\s+me\s+(?:an?\s+)?(?:idiot"
    r"|stupid|loser|moron)|\btell\s+(?:the\s+)?(?:streamer|host|chat|him|her)\b.{0,30}\b(?:is|'s|are|sucks?)\b",
    # Translation tricks.
    rf"\btranslate\b.{{0,50}}\b(?:into|to|in)\s+{_EN_LANG}\b.{{0,30}}\b(?:say|read|speak|post|repeat|loud|aloud|chat)\b"
    rf"|\btranslate\b.{{0,40}}[:：]|\btranslate\s+[\"“']"
    rf"|\bsay\s+(?:[\"“'].{{1,60}}[\"”']|this|it|that)\s+in\s+{_EN_LANG}|\b(?:put|render|write|convert)\b.{{0,50}}"
    rf"\b(?:into|in)\s+{_EN_LANG}|\bin\s+{_EN_LANG}\b.{{0,20}}\b(?:say\s+it|out\s+loud|aloud|read\s+it)",
    # Word for word; payloads; system look-alikes.
    r"\b(?:say|repeat)\s+after\s+me\b(?!\s+(?:the\s+)?(?:lyrics|song|part|line|bit|chorus|track)\b)|\bsay\s+(?:exactly|verbatim)|\bword\s+for\s+word\b|\bverbatim\b"
    r"|\b(?:say|type|write|repeat|copy|echo|paste|print)\s+(?:this|the\s+following|these\s+words)\b.{0,20}[:：]"
    r"|\bdecode\s*(?:this|it|that)?\s*(?:[:：]|and\b|then\b|$)|\brot\s*13\b|\bbase\s*64\s*[:：]|\bhex\s*[:：]|\bsay\s*[:：\"“「]"
    r"|\b(?:spell|type|write|shout|scream|yell|post)\s+[\"“'].{1,60}[\"”']"
    r"|(?:^|[,.!:;]\s*)(?:please\s+|now\s+|just\s+)?say\s+['‘].{1,60}['’]"  # say 'X': a line dictated
    r"|\b(?:say|tell\s+\w+|call\s+\w+|shout)\s+(?:that\s+)?(?:the\s+)?(?:host|streamer|chat|everyone|he|she|they|i|mods?)"
    r"\s+(?:is|are|am|'s|'re|'m|was|were|has|had|\w+ed|\w+s)\b",
    # Standing rules: what to say whenever something happens, from now on, to every line.
    rf"\b(?:whenever|every\s*time|each\s+time|any\s*time|next\s+time|if|when|once)\s+{_EN_SOMEONE}\b[^.;!?]{{0,60}}?"
    rf"(?:[,;]\s*|\byou\s+(?:should\s+|must\s+|will\s+|have\s+to\s+|need\s+to\s+|always\s+|just\s+)?)(?:just\s+)?{_EN_SAY}\b"
    r"|\b(?:from\s+(?:this\s+point|now|here|today)\s+(?:on\s+out|on|forward|onwards?)|going\s+forward|for\s+the\s+rest\s+of\s+"
    r"(?:the|this|tonight'?s)\s+(?:stream|chat|night|session|broadcast)|until\s+(?:i|the\s+stream)\s+(?:says?|ends?)"
    r"\s+otherwise)\s*,?\s+(?:you\s+(?:\w+\s+)?)?(?:refer|call|address|reply|respond|answer|end|start|begin|say|speak"
    r"|talk|only|always|never|greet|add|tell|treat)\b"
    r"|\brefer\s+to\s+(?:\w+\s+){1,3}?as\b|\baddress\s+(?:me|him|her|them|us|everyone|chat|the\s+\w+)\s+as\b|\b(?:remember|memori[sz]e|note|keep\s+in\s+mind|learn)\s+(?:this|that)\s*[:：]"
    rf"|\bcall\s+(?:me|him|her|them|us|everyone|everybody|chat|the\s+(?:streamer|host|chat|viewers|mods?))"
    r"(?:\s+(?:in|on)\s+(?:the\s+)?(?:chat|here|stream))?\s+"
    rf"(?:an?\s+|the\s+|by\s+|as\s+|[\"“'])?(?:{_EN_BAD}|daddy|master|king|queen|boss|god|lord|papa|senpai|princess)\b",
    # Output constraints: only this, only so, in every line.
    r"(?<!\bi )(?<!\bwe )\b(?:reply|respond|answer|talk|speak|write|type|chat)\s+"
    r"(?:only|exclusively|solely|strictly|just|purely)\s+(?:in|with|using|as|like)\b|\b(?:reply|respond|answer|talk|speak)\s+(?:with\s+|in\s+|using\s+)?(?:nothing\s+but|only\s+with)\b"
    r"|\bonly\s+use\s+(?:\w+\s+){0,2}?(?:words?|language|emojis?|caps|letters|phrases?|insults?)\b"
    r"|\bonly\s+(?:ever\s+)?(?:answer|reply|respond|say|speak|talk|type|write|use)\s+(?:with|in|using|the\s+words?|[\"“'])"
    r"|\b(?:use|using)\s+(?:only|all|nothing\s+but)\s+(?:\w+\s+)?(?:caps|capital\s+letters|capitals|uppercase|emojis?|lowercase)\b"
    r"|\b(?:answer|reply|respond|talk|speak|write|type|say)(?:\s+\w+){0,3}?\s+in\s+(?:all\s+)?(?:caps|capitals|uppercase)\b"
    r"|\b(?:end|start|begin|finish|sign\s+off|close|open)\s+(?:every|each|all|your)\s+(?:\w+\s+)?(?:answers?|repl(?:y|ies)"
    r"|responses?|messages?|sentences?|lines?)\b|\b(?:in|to|with)\s+(?:every|each)\s+(?:single\s+)?(?:answer|reply"
    r"|response|sentence)\b|\b(?:answer|reply|respond)\s+(?:to\s+)?(?:everything|every\s+\w+|each\s+\w+)\b"
    r"|\b(?:all|every|each)\s+(?:of\s+)?your\s+(?:answers?|repl(?:y|ies)|responses?|messages?|sentences?|lines?)\b"
    r"|\byou\s+(?:must|have\s+to|need\s+to|will|shall)\s+(?:now\s+|always\s+|only\s+)(?:answer|reply|respond|say|speak"
    r"|talk|call|swear|curse|obey|praise|agree|insult)\b",
    # A new persona, a new name; dropping the act.
    r"\b(?:drop|quit|stop|break|lose)\s+(?:the|your|this)\s+(?:[\w-]+\s+){0,2}?(?:act|character|persona|role|facade)\b"
    r"|\b(?:switch|change|set|turn|flip|swap|reset)\s+(?:your|ur)\s+(?:personality|persona|tone|attitude"
    r"|identity|vibe)\b|\byou(?:'re|\s+are)\s+(?:an?|the|my)\s+(?:[\w'-]+\s+){0,4}?(?:named|called)\s"
    r"|\byou(?:'re|\s+are)\s+(?:an?|the)\s+(?:[\w'-]+\s+){1,3}now\b|\b(?:a\s+bit|a\s+game|a\s+scene|a\s+skit)\s+where\s+you\b",
    # Authority: a message from staff; the bot allowed; what its makers told it.
    rf"\b(?:message|note|word|orders?|instructions?|memo|update|directive)\s+from\s+(?:the\s+|your\s+|our\s+)?{_EN_WHO}s?\b"
    rf"|\b(?:the\s+)?{_EN_BOT}\s+(?:is|are)\s+(?:now\s+|officially\s+)?(?:allowed|permitted|authori[sz]ed|cleared|free)\s+to\b"
    r"|\byou(?:'re|\s+are)\s+(?:now\s+)?(?:allowed|permitted|authori[sz]ed|cleared)\s+to\s+(?:swear|curse|cuss|say|insult"
    r"|roast|ignore|break|use)\b"
    rf"|\b(?:did|do|does|have|has)\s+(?:your|ur|the)\s+{_EN_WHO}s?\s+(?:tell|told|instruct|program|ask|want)"
    r"|\b(?:guidelines|rules|policy|instructions)\s+(?:now\s+)?(?:say|says|state|require)\b"
    r"|\bwhat'?s\s+in\s+(?:your|ur|the\s+system)\s+(?:\w+\s+)?(?:prompt|instructions|rules|config)"
    r"|\bpretend\s+(?:that\s+)?(?:the\s+|your\s+|there\s+(?:are|were)\s+no\s+)?(?:[\w-]+\s+){0,2}?(?:rules|instructions"
    r"|filters?|guidelines|restrictions|limits|polic(?:y|ies)|prompt)\b",
    # A persona given (your personality is…, stop being an assistant); consoles and settings.
    r"\byour\s+(?:personality|persona|role|identity)\s+is\b|\byour\s+(?:name|mode|tone|job)\s+is\s+now\b"
    r"|\bstop\s+being\s+(?:an?\s+|the\s+|my\s+|so\s+)?(?:\w+\s+)?(?:assistant|bot|ai|co-?host|helper|nice|polite|friendly"
    r"|safe|family[\s-]friendly)\b|\b(?:dev|developer|admin|debug|root)\s+(?:console|terminal|shell)\b"
    r"(?!\s+(?:in|on|of|for)\s+(?:this|the|my|your|a)\b)"
    r"|\bset\s+\w*(?:filter|safety|censor|moderation)\w*\s*="
    r"|\b(?:ignore|forget|disregard|throw\s+away|scrap|toss|drop)\s+(?:everything|all|whatever|what)\s+(?:they|you"
    r"|we|your\s+\w+|the\s+\w+|you'?ve\s+been)\s+(?:\w+\s+)?(?:told|taught|gave|said|given)"
    r"|\bgreet\s+(?:every|each|all)\s+\w+\s+(?:by|with|as)\b|\b(?:override|jailbreak|god\s+mode|admin\s+mode)\s+"
    r"(?:enabled|activated|on|granted|engaged)\b|\bcomply\s+with\b|^\[(?:admin|system|dev|developer|mod|root|sys)\]"
    r"|\bkeep\s+(?:every|each|all|your)\s+(?:\w+\s+)?(?:answers?|repl(?:y|ies)|responses?|messages?)\b",
    # Said of someone, or to the bot by name: tell me I'm worthless; "bot, announce...".
    rf"\btell\s+(?:me|him|her|them|everyone|chat)\s+(?:that\s+)?(?:i'?m|i\s+am|he'?s|she'?s|they'?re|you'?re"
    rf"|the\s+\w+\s+is)\s+(?:an?\s+|so\s+|such\s+an?\s+|a\s+total\s+)?{_EN_BAD}\b"
    r"|(?:^|[,.!:;]\s*)be\s+(?:brutal|savage|ruthless|merciless)\b"
    rf"|(?:^|[,.!:;]\s*)(?:hey\s+)?{_EN_BOT}\s*[,:]\s*(?:please\s+|now\s+|just\s+)?(?:announce|say|tell|read|call|shout"
    r"|insult|roast|repeat|ignore|praise|declare|post|type|reply|respond|answer|pretend|act|be)\b",
    # On the streamer's behalf, or to the whole room from the bot: announce, let chat know that the
    # host… ("announce the winner already!", "let chat know when you're live" ask the streamer).
    rf"\b(?:on\s+(?:the\s+)?(?:{_EN_WHO}'?s|his|her|their)\s+behalf|on\s+behalf\s+of\s+(?:the\s+|your\s+|our\s+)?"
    rf"(?:{_EN_WHO}s?|him|her))\b.{{0,40}}?{_EN_TELL}|{_EN_TELL}.{{0,60}}?\bon\s+(?:the\s+)?(?:{_EN_WHO}'?s|his|her|their)"
    rf"\s+behalf\b|{_L}{_EN_BOT}\s*,?\s*(?:go\s+ahead\s+(?:and\s+)?|now\s+|just\s+)?(?:announce|declare"
    r"|inform|let\s+\w+\s+know|make\s+an?\s+announcement)\b|(?<!\bi\s)(?<!\bwe\s)(?<!\bhe\s)(?<!she\s)(?<!they\s)"
    r"(?<!\bdid\s)(?<!\bto\s)(?<!\bwill\s)(?<!'ll\s)\b(?:announce|declare|let\s+(?:chat|everyone|everybody"
    r"|the\s+\w+)\s+know|inform\s+(?:chat|everyone|everybody|the\s+\w+))\s+(?:that\s+)?(?:the\s+)?(?:host|streamer"
    r"|channel|stream)\s+(?:is|are|was|were|has|had|will|\w+ed|\w+s)\b",
    r"^(?:system|assistant|developer) *[:：]|<\|[a-z_]{2,20}\|>|\[/?inst\]|<</?sys>>"
    r"|#{2,}\s*(?:instruction|system|response|input)|</?(?:system|instructions?)>",
)
EN = gated("|".join(EN_FAMILIES), word_start=True)

ORDER_EN = gated(
    r"^ *(?:please\s+|pls\s+|now\s+|just\s+)?(?:say|tell|call|read|shout|scream|yell|sing|repeat|respond"
    r"|reply|answer|pretend|act|be|make|give|write|type|describe|list|insult|praise|roast|thank)\b"
    r"|\byou'?re\s+(?:now\s+)?my\b|\byou\s+(?:must|should|have\s+to|need\s+to|will|are\s+going\s+to)\b"
)

CLAIM_EN = gated(
    r"\b(?:the\s+)?(?:streamer|host|bot)\s+(?:is|was|admitted|promised|agreed|owes|stole|lied|cheats?)\b"
    r"|\b(?:streamer|host)(?:'?s)?\s+(?:wife|husband|boyfriend|girlfriend|gf|bf|dad|father|mom|ex)\b"
)
