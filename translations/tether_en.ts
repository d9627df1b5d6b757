<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>DiagnosticsReport</name>
    <message>
        <source>Local store: damaged and replaced (%1); %2 unsent messages kept; the damaged file is at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qt version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (built with %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network information</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, reachability: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (in effect: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether diagnostics report — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected since: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Round trip: last %1, average %2, max %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnects: %1 (attempts: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnects: %1 (by close code: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages in/out: %1 / %2; bytes in/out: %3 / %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbox: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks against %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PASS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SKIP</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Recent events (%n)</source>
        <translation>
            <numerusform>Recent events (%n)</numerusform>
            <numerusform>Recent events (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>local network only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown (assumed online)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manual: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disconnected (closed on purpose or not started)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting (an attempt is under way)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnecting (waiting for the next attempt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting for the network (the system reports it offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renewing the sign-in token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signed out (the server refused the sign-in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed (gave up after the allowed attempts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every check passed: the way to %1 works end to end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this computer is offline (network layer): connect it to a network first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the proxy fails (proxy layer): check the proxy settings or try without one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server name does not resolve (DNS layer): check the address for typos, then the DNS or VPN settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing accepts connections at the server&apos;s address and port (TCP layer): check the address and port, that the server runs, and firewalls.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the encrypted connection fails (TLS layer): check the server&apos;s certificate, or whether the port speaks TLS at all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an HTTP server answers, but it is not a Tether server (HTTP 404 on /health): check the address and port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server&apos;s HTTP side is not healthy (HTTP layer): ask the server&apos;s administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server refuses the WebSocket upgrade (WebSocket layer): check the path (usually /ws) and any proxy in between.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the connection opens but then stalls or is closed (chat layer): a proxy or firewall may cut it; a close with 4003 means the account or guest access is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the check &quot;%1&quot; failed: see below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing was checked yet: run the checks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected; no checks were run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not connected (%1) and no checks were run: run the checks to find the failing layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verdict: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a guest (not signed in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signed in (the name is not shared)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signed in as %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last close: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normal close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server going away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no close frame: the connection dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>policy violation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server restarting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>try again later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>token expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>access refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection lengths: none ended yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection lengths: %1 ended, average %2 s, longest %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP long polling (chosen in the settings)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP long polling, fallen back from WebSocket: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transport: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatePresentation</name>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normal close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server going away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>protocol error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connection dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>policy violation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>message too big</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server restarting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>try again later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not authorised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::ChatWindow</name>
    <message>
        <source>About Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Tether %1&lt;/b&gt;&lt;p&gt;A chat whose connection survives anything, says honestly what is going on, and never loses a message.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a conversation first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not ready yet: the chat is still starting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting to send</source>
        <translation>
            <numerusform>%n message waiting to send</numerusform>
            <numerusform>%n messages waiting to send</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The message store on this computer was damaged and has been replaced; %n unsent message(s) were kept. The damaged file is at %1.</source>
        <translation>
            <numerusform>The message store on this computer was damaged and has been replaced; %n unsent message was kept. The damaged file is at %1.</numerusform>
            <numerusform>The message store on this computer was damaged and has been replaced; %n unsent messages were kept. The damaged file is at %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not encrypted: %1 uses %2://, so your messages and sign-in cross the network in the clear. Ask for a wss:// address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n person is typing…</numerusform>
            <numerusform>%n people are typing…</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody is typing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the message (Enter). Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Diagnostics…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages here yet. Say hello!</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the chat… Conversations appear on the left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many messages are waiting to be sent. Wait until the connection is back, then write again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages cannot be saved on this computer right now, so this one was not sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message is too long to send: at most %1 KB fit in one message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message could not be sent. What you wrote is still here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out of this account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reconnect now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::Composer</name>
    <message>
        <source>Write a message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line. Messages written while offline are sent when the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::ConnectionBanner</name>
    <message>
        <source>Connection status icon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection banner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again to keep chatting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try to connect now instead of waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the connection diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection action</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::ConnectionPresentation</name>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a Tether server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate not trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server restarting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server stopped answering.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing answers at this address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server name was not found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The network connection failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The proxy did not let the connection through.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a Tether server at this address (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the connection (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access refused by the server (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is restarting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Server restarting — back in %n s.</source>
        <translation>
            <numerusform>Server restarting — back in %n s.</numerusform>
            <numerusform>Server restarting — back in %n s.</numerusform>
        </translation>
    </message>
    <message>
        <source>Server restarting — connecting… (attempt %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for network…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Could not connect after %n attempts.</source>
        <translation>
            <numerusform>Could not connect after %n attempt.</numerusform>
            <numerusform>Could not connect after %n attempts.</numerusform>
        </translation>
    </message>
    <message>
        <source>Tried again just now, without success.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s…</source>
        <translation>
            <numerusform>Reconnecting in %n s…</numerusform>
            <numerusform>Reconnecting in %n s…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retrying in %n s…</source>
        <translation>
            <numerusform>Retrying in %n s…</numerusform>
            <numerusform>Retrying in %n s…</numerusform>
        </translation>
    </message>
    <message>
        <source>Trying again now… (attempt %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting… (attempt %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting… (attempt %1, %2 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last close: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Round trip: %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Round trip: not measured yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Last heard from the server %n s ago.</source>
        <translation>
            <numerusform>Last heard from the server %n s ago.</numerusform>
            <numerusform>Last heard from the server %n s ago.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Last heard from the server %n min ago.</source>
        <translation>
            <numerusform>Last heard from the server %n min ago.</numerusform>
            <numerusform>Last heard from the server %n min ago.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Last heard from the server %n h ago.</source>
        <translation>
            <numerusform>Last heard from the server %n h ago.</numerusform>
            <numerusform>Last heard from the server %n h ago.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not heard from the server yet.</source>
        <translation>Not heard from the server yet.</translation>
    </message>
    <message>
        <source>Tether: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session expired: sign in again to keep chatting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected (HTTP fallback)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket is blocked on the way to the server (HTTP %1 to the upgrade): messages go over HTTP.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The proxy does not let WebSocket through: messages go over HTTP.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The WebSocket upgrade is cut off on the way to the server: messages go over HTTP.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The WebSocket upgrade gets no answer: messages go over HTTP.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected (HTTP long-polling)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::ConversationModel</name>
    <message numerus="yes">
        <source>%1, %n unread</source>
        <translation>
            <numerusform>%1, %n unread</numerusform>
            <numerusform>%1, %n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>%n unread message</numerusform>
            <numerusform>%n unread messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tether::CredentialStore</name>
    <message>
        <source>This build of Tether has no keychain support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keychain use is turned off.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::DesktopController</name>
    <message>
        <source>Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The built-in local server could not start, so Tether cannot chat on this computer without a server address. Set one in Settings ▸ Server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local message store could not be opened. Messages will not be kept on this computer until this is fixed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the built-in local server (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — given with --server for this run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — a fallback server</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::DiagnosticsDialog</name>
    <message>
        <source>Running: %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All checks passed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n check(s) failed. The hints below say what it means.</source>
        <translation>
            <numerusform>%n check failed. The hint below says what it means.</numerusform>
            <numerusform>%n checks failed. The hints below say what they mean.</numerusform>
        </translation>
    </message>
    <message>
        <source>Passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(next attempt in %1 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last %1, average %2, max %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (attempts: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in / %2 out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting</source>
        <translation>
            <numerusform>%n message waiting</numerusform>
            <numerusform>%n messages waiting</numerusform>
        </translation>
    </message>
    <message>
        <source>Report copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the report: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report saved to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether Diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Round trip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnects by close code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address to check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks the way to the server step by step: name lookup, connection, encryption, the server itself and the chat channel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter events…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection event log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include my user name in the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report for support staff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy and Save give support staff this report in English.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::DiagnosticsRunner</name>
    <message>
        <source>DNS lookup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TCP connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP /health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket handshake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ping round trips</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network reachability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix the earlier failing check first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address &quot;%1&quot; is not a valid server URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use an address like ws://chat.example.com/ws or wss://chat.example.com/ws.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: the server address is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is an IP address; no lookup needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be resolved: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server name was not found. Check the address for typos, then your internet connection or DNS settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: the server name could not be resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 resolves to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer for %1 within %2 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DNS server did not answer in time. Check your internet connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to %1 port %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The computer answered but nothing is listening on that port: the server is not running, or the port is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The proxy refused or failed the connection. Check the proxy settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server could not be reached. A firewall may be blocking the port, or the server is down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: no TCP connection to the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer on port %1 within %2 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Packets seem to be dropped on the way: often a firewall, a VPN or a captive Wi-Fi portal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not used: %1:// connections are not encrypted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use wss:// for servers outside your own computer or network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No TLS library is available to Qt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Install OpenSSL (libssl) so encrypted connections can be made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: TLS is not available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate: %1; issued by %2; expires %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handshake completed (%1). </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The encrypted connection could not be set up. The server may not speak TLS on this port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted (expired, self-signed or for another name). Do not continue on an untrusted network; ask the server&apos;s administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: the TLS handshake failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS handshake did not complete within %1 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something between you and the server holds the connection without answering (a proxy or firewall inspecting traffic).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 answered HTTP 200: server version %2, up %3 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 answered HTTP %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server accepted the connection but did not answer in time: it may be overloaded or stuck.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered but has no /health page: this may not be a Tether server, or a proxy in front of it routes it elsewhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server (or a proxy in front of it) reports an internal problem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s HTTP side is not healthy; chat may still work if the WebSocket check passes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upgraded to WebSocket at %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not accept the WebSocket upgrade. Check the path (usually /ws) and whether a proxy in front of the server forwards WebSocket connections.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: the WebSocket handshake failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No WebSocket handshake within %1 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: there is no WebSocket connection to ping.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 answered; round trip min %3 / avg %4 / max %5 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection works but is slow; messages will take a while to arrive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server closed the connection (%1 %2) before all pings were answered. %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server closed the connection right after the handshake (%1 %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server accepts the connection but drops it: for 4003 the account or guest access is refused, otherwise check the server&apos;s logs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ping %1 got no answer within %2 ms. %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection opens but then stalls: a proxy or firewall may be holding or dropping WebSocket traffic.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>application setting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No proxy: connections go directly to the server (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections go through %1 (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If the checks above fail only here, the proxy may not allow WebSocket connections or may close idle ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This system offers no network status information to Qt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a problem by itself: Tether then assumes the network is up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend %1 reports: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system says this computer is offline. Connect to a network (Wi-Fi, cable) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the local network is reachable, not the internet; a captive portal may need you to sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 fingerprint: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not the one trusted for it before (tls_pin_mismatch). It may have been replaced, or someone is intercepting the connection: ask the server&apos;s administrator before trusting the new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 did not answer within %2 ms (timed out).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The WebSocket upgrade was answered with HTTP %1: something between you and the server (a proxy or firewall) blocks WebSocket. The Automatic transport setting falls back to HTTP long polling.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The WebSocket upgrade looks blocked on the way to the server (a proxy or firewall). The Automatic transport setting falls back to HTTP long polling.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::MessageDelegate</name>
    <message>
        <source>Waiting for connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unread messages</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::MessageModel</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::SettingsDialog</name>
    <message>
        <source>&amp;CA certificates file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM file of a self-hosted server&apos;s own certificate authority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA certificates file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fallback servers are copies of the same service: they share your account. Another server address is another service, with its own account and messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in tokens are kept in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fallback servers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fallback servers, one per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One address per line, tried in turn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch &amp;after failed attempts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed attempts before switching to the next server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the &amp;system proxy settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;No proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Manual proxy:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Heartbeat interval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat interval in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Answer timeout:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat answer timeout in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect timeout:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect timeout in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;First retry after:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First retry delay in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Longest retry wait:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest retry delay in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a server address. Use one like wss://chat.example.com/ws.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use now:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server in use now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave empty to use the built-in local server. A new address is used as soon as you apply it, also when Tether was started with --server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain service is available: sign-in tokens are kept in memory only and are gone when Tether quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Transport:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic (WebSocket, HTTP fallback when blocked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP long polling only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transport</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Retry WebSocket every:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How often the HTTP fallback tries WebSocket again, in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::SignInDialog</name>
    <message>
        <source>Enter the server address, for example wss://chat.example.com/ws.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your username and password, or continue as a guest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many attempts. Wait a minute and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the sign-in (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with your account, or continue as a guest to chat right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue as guest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where your sign-in is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your sign-in is remembered in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a username and a password for the new account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the account…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This username is taken. Choose another one, or sign in with it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This server does not let people create accounts. Ask its administrator for one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use letters, digits, dots, dashes or underscores for the username (at most 64), and any password that is not empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach the server. Check the address and your connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is the built-in server on this computer. Create an account here with any name and password, sign in to one you created, or continue as a guest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create an account with this username and password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain service is available. Your sign-in is kept in memory only: you will need to sign in again after restarting Tether.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::StatusIndicator</name>
    <message>
        <source>Connection status: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status icon</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::TrayNotifier</name>
    <message>
        <source>Connection lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether is reconnecting. Messages you write are kept and sent when the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection restored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether is connected again; waiting messages are being sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tether::TrustCertificateDialog</name>
    <message>
        <source>Trust this server&apos;s certificate?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No certificate authority this computer trusts vouches for %1. Its certificate has this SHA-256 fingerprint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust it only if the server&apos;s administrator gave you the same fingerprint. Tether will then accept exactly this certificate for this server, and refuse any other.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust this certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not connect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Connect to the server at &lt;url&gt; (ws:// or wss://).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User interface language: en or ru.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the built-in local server (guests and the echo bot).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the connection to &lt;url&gt;, print a report and exit (exit code 1 if a check fails).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether: a chat whose connection survives anything.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tether</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the profile &lt;name&gt;: its own settings, messages and window, beside other profiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --diagnose: attach the report&apos;s data as JSON.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
