<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
    <context>
        <name>StatePresentation</name>
        <message>
            <source>Online</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connecting…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reconnecting…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signing in…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signed out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connection failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Offline</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>normal close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>server going away</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>protocol error</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>connection dropped</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>policy violation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>message too big</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>server error</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>server restarting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>try again later</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not authorised</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Tether::ConnectionBanner</name>
        <message>
            <source>Connecting…</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Connection lost. Reconnecting in %n s…</source>
            <translation>
                <numerusform>Connection lost. Reconnecting in %n s…</numerusform>
                <numerusform>Connection lost. Reconnecting in %n s…</numerusform>
            </translation>
        </message>
        <message>
            <source>Retry now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting for network…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session expired —</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign in</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Could not connect after %n attempts —</source>
            <translation>
                <numerusform>Could not connect after %n attempt —</numerusform>
                <numerusform>Could not connect after %n attempts —</numerusform>
            </translation>
        </message>
        <message>
            <source>Retry</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connection status icon</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connection banner</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Tether::StatusIndicator</name>
        <message>
            <source>Connection: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Server: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not set</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last close: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Round trip: %1 ms</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Round trip: not measured yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connection status: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status colour</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status icon</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
