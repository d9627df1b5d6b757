<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en_US">
<context>
    <name>DiagnosticsReport</name>
    <message>
        <source>Local store: damaged and replaced (%1); %2 unsent messages kept; the damaged file is at %3</source>
        <translation>Локальное хранилище: повреждено и заменено (%1); сохранено неотправленных сообщений: %2; повреждённый файл: %3</translation>
    </message>
    <message>
        <source>Tether version</source>
        <translation>Версия Tether</translation>
    </message>
    <message>
        <source>Qt version</source>
        <translation>Версия Qt</translation>
    </message>
    <message>
        <source>%1 (built with %2)</source>
        <translation>%1 (собрано с %2)</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>Операционная система</translation>
    </message>
    <message>
        <source>TLS backend</source>
        <translation>Библиотека TLS</translation>
    </message>
    <message>
        <source>Network information</source>
        <translation>Сведения о сети</translation>
    </message>
    <message>
        <source>%1, reachability: %2</source>
        <translation>%1, доступность: %2</translation>
    </message>
    <message>
        <source>Proxy mode</source>
        <translation>Режим прокси</translation>
    </message>
    <message>
        <source>%1 (in effect: %2)</source>
        <translation>%1 (действует: %2)</translation>
    </message>
    <message>
        <source>Tether diagnostics report — %1</source>
        <translation>Отчёт диагностики Tether — %1</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Окружение</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Соединение</translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation>Состояние: %1</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Сервер: %1</translation>
    </message>
    <message>
        <source>Connected since: %1</source>
        <translation>Подключено с: %1</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>не подключено</translation>
    </message>
    <message>
        <source>Round trip: last %1, average %2, max %3</source>
        <translation>Время отклика: последнее %1, среднее %2, максимальное %3</translation>
    </message>
    <message>
        <source>Reconnects: %1 (attempts: %2)</source>
        <translation>Переподключений: %1 (попыток: %2)</translation>
    </message>
    <message>
        <source>Disconnects: %1 (by close code: %2)</source>
        <translation>Разрывов: %1 (по кодам закрытия: %2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>Messages in/out: %1 / %2; bytes in/out: %3 / %4</source>
        <translation>Сообщений получено/отправлено: %1 / %2; байт получено/отправлено: %3 / %4</translation>
    </message>
    <message>
        <source>Outbox: %1</source>
        <translation>Исходящие: %1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
    <message>
        <source>Checks against %1</source>
        <translation>Проверки для %1</translation>
    </message>
    <message>
        <source>PASS</source>
        <translation>УСПЕХ</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>СБОЙ</translation>
    </message>
    <message>
        <source>SKIP</source>
        <translation>ПРОПУСК</translation>
    </message>
    <message numerus="yes">
        <source>Recent events (%n)</source>
        <translation>
            <numerusform>Последние события (%n)</numerusform>
            <numerusform>Последние события (%n)</numerusform>
            <numerusform>Последние события (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>system</source>
        <translation>системный</translation>
    </message>
    <message>
        <source>online</source>
        <translation>в сети</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>нет подключения</translation>
    </message>
    <message>
        <source>local network only</source>
        <translation>только локальная сеть</translation>
    </message>
    <message>
        <source>unknown (assumed online)</source>
        <translation>неизвестно (считается, что сеть есть)</translation>
    </message>
    <message>
        <source>manual: %1</source>
        <translation>вручную: %1</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <source>disconnected (closed on purpose or not started)</source>
        <translation>отключено (закрыто намеренно или не запускалось)</translation>
    </message>
    <message>
        <source>connecting (an attempt is under way)</source>
        <translation>подключение (идёт попытка)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>подключено</translation>
    </message>
    <message>
        <source>reconnecting (waiting for the next attempt)</source>
        <translation>переподключение (ожидание следующей попытки)</translation>
    </message>
    <message>
        <source>waiting for the network (the system reports it offline)</source>
        <translation>ожидание сети (система сообщает, что сети нет)</translation>
    </message>
    <message>
        <source>renewing the sign-in token</source>
        <translation>обновление токена входа</translation>
    </message>
    <message>
        <source>signed out (the server refused the sign-in)</source>
        <translation>выход выполнен (сервер не принял вход)</translation>
    </message>
    <message>
        <source>failed (gave up after the allowed attempts)</source>
        <translation>сбой (допустимые попытки исчерпаны)</translation>
    </message>
    <message>
        <source>every check passed: the way to %1 works end to end.</source>
        <translation>все проверки пройдены: путь до %1 работает от начала до конца.</translation>
    </message>
    <message>
        <source>this computer is offline (network layer): connect it to a network first.</source>
        <translation>компьютер не в сети (уровень сети): сначала подключитесь к сети.</translation>
    </message>
    <message>
        <source>the proxy fails (proxy layer): check the proxy settings or try without one.</source>
        <translation>сбой прокси (уровень прокси): проверьте настройки прокси или попробуйте без него.</translation>
    </message>
    <message>
        <source>the server name does not resolve (DNS layer): check the address for typos, then the DNS or VPN settings.</source>
        <translation>имя сервера не разрешается (уровень DNS): проверьте адрес на опечатки, затем настройки DNS или VPN.</translation>
    </message>
    <message>
        <source>nothing accepts connections at the server&apos;s address and port (TCP layer): check the address and port, that the server runs, and firewalls.</source>
        <translation>по адресу и порту сервера никто не принимает соединения (уровень TCP): проверьте адрес и порт, что сервер запущен, и межсетевые экраны.</translation>
    </message>
    <message>
        <source>the encrypted connection fails (TLS layer): check the server&apos;s certificate, or whether the port speaks TLS at all.</source>
        <translation>сбой шифрованного соединения (уровень TLS): проверьте сертификат сервера и работает ли этот порт по TLS вообще.</translation>
    </message>
    <message>
        <source>an HTTP server answers, but it is not a Tether server (HTTP 404 on /health): check the address and port.</source>
        <translation>отвечает HTTP-сервер, но это не сервер Tether (HTTP 404 на /health): проверьте адрес и порт.</translation>
    </message>
    <message>
        <source>the server&apos;s HTTP side is not healthy (HTTP layer): ask the server&apos;s administrator.</source>
        <translation>HTTP-часть сервера неисправна (уровень HTTP): обратитесь к администратору сервера.</translation>
    </message>
    <message>
        <source>the server refuses the WebSocket upgrade (WebSocket layer): check the path (usually /ws) and any proxy in between.</source>
        <translation>сервер отклоняет переход на WebSocket (уровень WebSocket): проверьте путь (обычно /ws) и прокси на пути.</translation>
    </message>
    <message>
        <source>the connection opens but then stalls or is closed (chat layer): a proxy or firewall may cut it; a close with 4003 means the account or guest access is refused.</source>
        <translation>соединение открывается, но затем зависает или закрывается (уровень чата): его может обрывать прокси или межсетевой экран; закрытие с кодом 4003 означает отказ в доступе для аккаунта или гостя.</translation>
    </message>
    <message>
        <source>the check &quot;%1&quot; failed: see below.</source>
        <translation>проверка «%1» не пройдена: см. ниже.</translation>
    </message>
    <message>
        <source>nothing was checked yet: run the checks.</source>
        <translation>проверок ещё не было: запустите проверки.</translation>
    </message>
    <message>
        <source>connected; no checks were run.</source>
        <translation>подключено; проверки не запускались.</translation>
    </message>
    <message>
        <source>not connected (%1) and no checks were run: run the checks to find the failing layer.</source>
        <translation>нет подключения (%1), проверки не запускались: запустите проверки, чтобы найти неисправный уровень.</translation>
    </message>
    <message>
        <source>Verdict: %1</source>
        <translation>Вывод: %1</translation>
    </message>
    <message>
        <source>a guest (not signed in)</source>
        <translation>гость (вход не выполнен)</translation>
    </message>
    <message>
        <source>signed in (the name is not shared)</source>
        <translation>вход выполнен (имя не сообщается)</translation>
    </message>
    <message>
        <source>signed in as %1</source>
        <translation>вход выполнен как %1</translation>
    </message>
    <message>
        <source>Account: %1</source>
        <translation>Аккаунт: %1</translation>
    </message>
    <message>
        <source>Last close: %1</source>
        <translation>Последнее закрытие: %1</translation>
    </message>
    <message>
        <source>normal close</source>
        <translation>обычное закрытие</translation>
    </message>
    <message>
        <source>server going away</source>
        <translation>сервер уходит</translation>
    </message>
    <message>
        <source>no close frame: the connection dropped</source>
        <translation>без кадра закрытия: соединение оборвалось</translation>
    </message>
    <message>
        <source>policy violation</source>
        <translation>нарушение правил</translation>
    </message>
    <message>
        <source>server error</source>
        <translation>ошибка сервера</translation>
    </message>
    <message>
        <source>server restarting</source>
        <translation>сервер перезапускается</translation>
    </message>
    <message>
        <source>try again later</source>
        <translation>повторите позже</translation>
    </message>
    <message>
        <source>token expired</source>
        <translation>срок токена истёк</translation>
    </message>
    <message>
        <source>access refused</source>
        <translation>доступ запрещён</translation>
    </message>
    <message>
        <source>Connection lengths: none ended yet</source>
        <translation>Длительность соединений: ни одно ещё не завершилось</translation>
    </message>
    <message>
        <source>Connection lengths: %1 ended, average %2 s, longest %3 s</source>
        <translation>Длительность соединений: завершено %1, в среднем %2 с, самое долгое %3 с</translation>
    </message>
    <message>
        <source>HTTP long polling (chosen in the settings)</source>
        <translation>длинные опросы HTTP (выбрано в настройках)</translation>
    </message>
    <message>
        <source>HTTP long polling, fallen back from WebSocket: %1</source>
        <translation>длинные опросы HTTP вместо WebSocket: %1</translation>
    </message>
    <message>
        <source>Transport: %1</source>
        <translation>Транспорт: %1</translation>
    </message>
</context>
<context>
    <name>StatePresentation</name>
    <message>
        <source>Online</source>
        <translation>В сети</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Переподключение…</translation>
    </message>
    <message>
        <source>No network</source>
        <translation>Нет сети</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Сеанс завершён</translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation>Не удалось подключиться</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <source>normal close</source>
        <translation>обычное закрытие</translation>
    </message>
    <message>
        <source>server going away</source>
        <translation>сервер завершает работу</translation>
    </message>
    <message>
        <source>protocol error</source>
        <translation>ошибка протокола</translation>
    </message>
    <message>
        <source>connection dropped</source>
        <translation>соединение оборвалось</translation>
    </message>
    <message>
        <source>policy violation</source>
        <translation>нарушение правил</translation>
    </message>
    <message>
        <source>message too big</source>
        <translation>слишком большое сообщение</translation>
    </message>
    <message>
        <source>server error</source>
        <translation>ошибка сервера</translation>
    </message>
    <message>
        <source>server restarting</source>
        <translation>сервер перезапускается</translation>
    </message>
    <message>
        <source>try again later</source>
        <translation>повторите позже</translation>
    </message>
    <message>
        <source>not authorised</source>
        <translation>нет доступа</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
</context>
<context>
    <name>Tether::ChatWindow</name>
    <message>
        <source>About Tether</source>
        <translation>О Tether</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tether %1&lt;/b&gt;&lt;p&gt;A chat whose connection survives anything, says honestly what is going on, and never loses a message.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</source>
        <translation>&lt;b&gt;Tether %1&lt;/b&gt;&lt;p&gt;Чат, соединение которого переживает всё, который честно говорит, что происходит, и никогда не теряет сообщения.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Choose a conversation first.</source>
        <translation>Сначала выберите беседу.</translation>
    </message>
    <message>
        <source>Not ready yet: the chat is still starting.</source>
        <translation>Ещё не готово: чат запускается.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting to send</source>
        <translation>
            <numerusform>%n сообщение ждёт отправки</numerusform>
            <numerusform>%n сообщения ждут отправки</numerusform>
            <numerusform>%n сообщений ждут отправки</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The message store on this computer was damaged and has been replaced; %n unsent message(s) were kept. The damaged file is at %1.</source>
        <translation>
            <numerusform>Хранилище сообщений на этом компьютере было повреждено и заменено; сохранено %n неотправленное сообщение. Повреждённый файл: %1.</numerusform>
            <numerusform>Хранилище сообщений на этом компьютере было повреждено и заменено; сохранено %n неотправленных сообщения. Повреждённый файл: %1.</numerusform>
            <numerusform>Хранилище сообщений на этом компьютере было повреждено и заменено; сохранено %n неотправленных сообщений. Повреждённый файл: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not encrypted: %1 uses %2://, so your messages and sign-in cross the network in the clear. Ask for a wss:// address.</source>
        <translation>Без шифрования: %1 использует %2://, поэтому ваши сообщения и вход передаются по сети открыто. Попросите адрес wss://.</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 печатает…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 и %2 печатают…</translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n человек печатает…</numerusform>
            <numerusform>%n человека печатают…</numerusform>
            <numerusform>%n человек печатают…</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody is typing</source>
        <translation>Никто не печатает</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Копировать текст</translation>
    </message>
    <message>
        <source>Retry sending</source>
        <translation>Отправить ещё раз</translation>
    </message>
    <message>
        <source>Discard message</source>
        <translation>Удалить сообщение</translation>
    </message>
    <message>
        <source>Tether</source>
        <translation>Tether</translation>
    </message>
    <message>
        <source>Tether — %1</source>
        <translation>Tether — %1</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <source>Send the message (Enter). Shift+Enter starts a new line.</source>
        <translation>Отправить сообщение (Enter). Shift+Enter — новая строка.</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Отправить сообщение</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Беседы</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Сообщения</translation>
    </message>
    <message>
        <source>Current conversation</source>
        <translation>Текущая беседа</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Чат</translation>
    </message>
    <message>
        <source>&amp;Sign in…</source>
        <translation>&amp;Войти…</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>С&amp;ервис</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>&amp;Diagnostics…</source>
        <translation>&amp;Диагностика…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>&amp;About Tether</source>
        <translation>&amp;О Tether</translation>
    </message>
    <message>
        <source>Sending problem</source>
        <translation>Проблема с отправкой</translation>
    </message>
    <message>
        <source>No messages here yet. Say hello!</source>
        <translation>Здесь пока нет сообщений. Поздоровайтесь!</translation>
    </message>
    <message>
        <source>Connecting to the chat… Conversations appear on the left.</source>
        <translation>Подключение к чату… Беседы появятся слева.</translation>
    </message>
    <message>
        <source>Too many messages are waiting to be sent. Wait until the connection is back, then write again.</source>
        <translation>Слишком много сообщений ждут отправки. Дождитесь восстановления связи и напишите снова.</translation>
    </message>
    <message>
        <source>Messages cannot be saved on this computer right now, so this one was not sent.</source>
        <translation>Сейчас сообщения не удаётся сохранить на этом компьютере, поэтому это сообщение не отправлено.</translation>
    </message>
    <message>
        <source>This message is too long to send: at most %1 KB fit in one message.</source>
        <translation>Сообщение слишком длинное: в одно сообщение помещается не больше %1 КБ.</translation>
    </message>
    <message>
        <source>The message could not be sent. What you wrote is still here.</source>
        <translation>Сообщение не удалось отправить. Написанный текст сохранён.</translation>
    </message>
    <message>
        <source>Sign &amp;out of this account</source>
        <translation>Выйти из &amp;аккаунта</translation>
    </message>
    <message>
        <source>&amp;Quit Tether</source>
        <translation>&amp;Закрыть Tether</translation>
    </message>
    <message>
        <source>&amp;Reconnect now</source>
        <translation>&amp;Переподключиться сейчас</translation>
    </message>
</context>
<context>
    <name>Tether::Composer</name>
    <message>
        <source>Write a message…</source>
        <translation>Напишите сообщение…</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line.</source>
        <translation>Enter отправляет, Shift+Enter начинает новую строку.</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Текст сообщения</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line. Messages written while offline are sent when the connection is back.</source>
        <translation>Enter отправляет, Shift+Enter начинает новую строку. Сообщения, написанные без связи, уйдут, когда соединение восстановится.</translation>
    </message>
</context>
<context>
    <name>Tether::ConnectionBanner</name>
    <message>
        <source>Connection status icon</source>
        <translation>Значок статуса соединения</translation>
    </message>
    <message>
        <source>Connection banner</source>
        <translation>Баннер соединения</translation>
    </message>
    <message>
        <source>Sign in again to keep chatting</source>
        <translation>Войдите снова, чтобы продолжить переписку</translation>
    </message>
    <message>
        <source>Try to connect now instead of waiting</source>
        <translation>Подключиться сейчас, не дожидаясь</translation>
    </message>
    <message>
        <source>Diagnostics…</source>
        <translation>Диагностика…</translation>
    </message>
    <message>
        <source>Open the connection diagnostics</source>
        <translation>Открыть диагностику соединения</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>Соединение: %1</translation>
    </message>
    <message>
        <source>Connection action</source>
        <translation>Действие для соединения</translation>
    </message>
</context>
<context>
    <name>Tether::ConnectionPresentation</name>
    <message>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>В сети</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>Соединение потеряно</translation>
    </message>
    <message>
        <source>Server unreachable</source>
        <translation>Сервер недоступен</translation>
    </message>
    <message>
        <source>Not a Tether server</source>
        <translation>Это не сервер Tether</translation>
    </message>
    <message>
        <source>Server refused</source>
        <translation>Сервер отказал</translation>
    </message>
    <message>
        <source>Certificate not trusted</source>
        <translation>Сертификат не доверенный</translation>
    </message>
    <message>
        <source>Server restarting</source>
        <translation>Сервер перезапускается</translation>
    </message>
    <message>
        <source>No network</source>
        <translation>Нет сети</translation>
    </message>
    <message>
        <source>Access refused</source>
        <translation>Доступ запрещён</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Сеанс завершён</translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation>Не удалось подключиться</translation>
    </message>
    <message>
        <source>The server stopped answering.</source>
        <translation>Сервер перестал отвечать.</translation>
    </message>
    <message>
        <source>Nothing answers at this address.</source>
        <translation>По этому адресу никто не отвечает.</translation>
    </message>
    <message>
        <source>The server name was not found.</source>
        <translation>Имя сервера не найдено.</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>Сервер не ответил вовремя.</translation>
    </message>
    <message>
        <source>The network connection failed.</source>
        <translation>Сбой сетевого соединения.</translation>
    </message>
    <message>
        <source>The proxy did not let the connection through.</source>
        <translation>Прокси-сервер не пропустил соединение.</translation>
    </message>
    <message>
        <source>The server is busy.</source>
        <translation>Сервер перегружен.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted.</source>
        <translation>Сертификату сервера нет доверия.</translation>
    </message>
    <message>
        <source>Not a Tether server at this address (HTTP %1).</source>
        <translation>По этому адресу отвечает не сервер Tether (HTTP %1).</translation>
    </message>
    <message>
        <source>The server refused the connection (HTTP %1).</source>
        <translation>Сервер отклонил соединение (HTTP %1).</translation>
    </message>
    <message>
        <source>Access refused by the server (%1).</source>
        <translation>Сервер отказал в доступе (%1).</translation>
    </message>
    <message>
        <source>The server is restarting.</source>
        <translation>Сервер перезапускается.</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Подключено</translation>
    </message>
    <message>
        <source>Connection lost.</source>
        <translation>Соединение потеряно.</translation>
    </message>
    <message>
        <source>Could not reach the server.</source>
        <translation>Не удалось связаться с сервером.</translation>
    </message>
    <message numerus="yes">
        <source>Server restarting — back in %n s.</source>
        <translation>
            <numerusform>Сервер перезапускается — вернётся через %n с.</numerusform>
            <numerusform>Сервер перезапускается — вернётся через %n с.</numerusform>
            <numerusform>Сервер перезапускается — вернётся через %n с.</numerusform>
        </translation>
    </message>
    <message>
        <source>Server restarting — connecting… (attempt %1)</source>
        <translation>Сервер перезапускается — подключение… (попытка %1)</translation>
    </message>
    <message>
        <source>Waiting for network…</source>
        <translation>Ожидание сети…</translation>
    </message>
    <message numerus="yes">
        <source>Could not connect after %n attempts.</source>
        <translation>
            <numerusform>Не удалось подключиться после %n попытки.</numerusform>
            <numerusform>Не удалось подключиться после %n попыток.</numerusform>
            <numerusform>Не удалось подключиться после %n попыток.</numerusform>
        </translation>
    </message>
    <message>
        <source>Tried again just now, without success.</source>
        <translation>Только что попробовали снова — безуспешно.</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s…</source>
        <translation>
            <numerusform>Переподключение через %n с…</numerusform>
            <numerusform>Переподключение через %n с…</numerusform>
            <numerusform>Переподключение через %n с…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retrying in %n s…</source>
        <translation>
            <numerusform>Повтор через %n с…</numerusform>
            <numerusform>Повтор через %n с…</numerusform>
            <numerusform>Повтор через %n с…</numerusform>
        </translation>
    </message>
    <message>
        <source>Trying again now… (attempt %1)</source>
        <translation>Пробуем снова… (попытка %1)</translation>
    </message>
    <message>
        <source>Connecting… (attempt %1)</source>
        <translation>Подключение… (попытка %1)</translation>
    </message>
    <message>
        <source>Connecting… (attempt %1, %2 s)</source>
        <translation>Подключение… (попытка %1, %2 с)</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Повторить сейчас</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>Соединение: %1</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Сервер: %1</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>не задан</translation>
    </message>
    <message>
        <source>Last close: %1</source>
        <translation>Последнее закрытие: %1</translation>
    </message>
    <message>
        <source>Round trip: %1 ms</source>
        <translation>Время отклика: %1 мс</translation>
    </message>
    <message>
        <source>Round trip: not measured yet</source>
        <translation>Время отклика: ещё не измерено</translation>
    </message>
    <message numerus="yes">
        <source>Last heard from the server %n s ago.</source>
        <translation>
            <numerusform>Последний ответ сервера — %n с назад.</numerusform>
            <numerusform>Последний ответ сервера — %n с назад.</numerusform>
            <numerusform>Последний ответ сервера — %n с назад.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Last heard from the server %n min ago.</source>
        <translation>
            <numerusform>Последний ответ сервера — %n мин назад.</numerusform>
            <numerusform>Последний ответ сервера — %n мин назад.</numerusform>
            <numerusform>Последний ответ сервера — %n мин назад.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Last heard from the server %n h ago.</source>
        <translation>
            <numerusform>Последний ответ сервера — %n ч назад.</numerusform>
            <numerusform>Последний ответ сервера — %n ч назад.</numerusform>
            <numerusform>Последний ответ сервера — %n ч назад.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not heard from the server yet.</source>
        <translation>Сервер ещё ни разу не ответил.</translation>
    </message>
    <message>
        <source>Tether: %1</source>
        <translation>Tether: %1</translation>
    </message>
    <message>
        <source>Session expired: sign in again to keep chatting.</source>
        <translation>Сеанс истёк: войдите снова, чтобы продолжить переписку.</translation>
    </message>
    <message>
        <source>Connected (HTTP fallback)</source>
        <translation>Подключено (через HTTP)</translation>
    </message>
    <message>
        <source>WebSocket is blocked on the way to the server (HTTP %1 to the upgrade): messages go over HTTP.</source>
        <translation>WebSocket блокируется по пути к серверу (HTTP %1 в ответ на переход): сообщения идут через HTTP.</translation>
    </message>
    <message>
        <source>The proxy does not let WebSocket through: messages go over HTTP.</source>
        <translation>Прокси не пропускает WebSocket: сообщения идут через HTTP.</translation>
    </message>
    <message>
        <source>The WebSocket upgrade is cut off on the way to the server: messages go over HTTP.</source>
        <translation>Переход на WebSocket обрывается по пути к серверу: сообщения идут через HTTP.</translation>
    </message>
    <message>
        <source>The WebSocket upgrade gets no answer: messages go over HTTP.</source>
        <translation>Переход на WebSocket остаётся без ответа: сообщения идут через HTTP.</translation>
    </message>
    <message>
        <source>Connected (HTTP long-polling)</source>
        <translation>Подключено (длинные опросы HTTP)</translation>
    </message>
</context>
<context>
    <name>Tether::ConversationModel</name>
    <message numerus="yes">
        <source>%1, %n unread</source>
        <translation>
            <numerusform>%1, %n непрочитанное</numerusform>
            <numerusform>%1, %n непрочитанных</numerusform>
            <numerusform>%1, %n непрочитанных</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>%n непрочитанное сообщение</numerusform>
            <numerusform>%n непрочитанных сообщения</numerusform>
            <numerusform>%n непрочитанных сообщений</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tether::CredentialStore</name>
    <message>
        <source>This build of Tether has no keychain support.</source>
        <translation>Эта сборка Tether не поддерживает связку ключей.</translation>
    </message>
    <message>
        <source>Keychain use is turned off.</source>
        <translation>Использование связки ключей отключено.</translation>
    </message>
</context>
<context>
    <name>Tether::DesktopController</name>
    <message>
        <source>Tether</source>
        <translation>Tether</translation>
    </message>
    <message>
        <source>The built-in local server could not start, so Tether cannot chat on this computer without a server address. Set one in Settings ▸ Server.</source>
        <translation>Встроенный локальный сервер не запустился, поэтому без адреса сервера Tether не может работать на этом компьютере. Укажите адрес в разделе Настройки ▸ Сервер.</translation>
    </message>
    <message>
        <source>The local message store could not be opened. Messages will not be kept on this computer until this is fixed.</source>
        <translation>Не удалось открыть локальное хранилище сообщений. Пока это не исправлено, сообщения не будут сохраняться на этом компьютере.</translation>
    </message>
    <message>
        <source>the built-in local server (%1)</source>
        <translation>встроенный локальный сервер (%1)</translation>
    </message>
    <message>
        <source>%1 — given with --server for this run</source>
        <translation>%1 — задан ключом --server для этого запуска</translation>
    </message>
    <message>
        <source>%1 — a fallback server</source>
        <translation>%1 — запасной сервер</translation>
    </message>
</context>
<context>
    <name>Tether::DiagnosticsDialog</name>
    <message>
        <source>Running: %1…</source>
        <translation>Выполняется: %1…</translation>
    </message>
    <message>
        <source>All checks passed.</source>
        <translation>Все проверки пройдены.</translation>
    </message>
    <message numerus="yes">
        <source>%n check(s) failed. The hints below say what it means.</source>
        <translation>
            <numerusform>%n проверка не пройдена. Подсказки ниже объясняют, что это значит.</numerusform>
            <numerusform>%n проверки не пройдены. Подсказки ниже объясняют, что это значит.</numerusform>
            <numerusform>%n проверок не пройдено. Подсказки ниже объясняют, что это значит.</numerusform>
        </translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>Пройдена</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Не пройдена</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Пропущена</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>(next attempt in %1 s)</source>
        <translation>(следующая попытка через %1 с)</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>не подключено</translation>
    </message>
    <message>
        <source>last %1, average %2, max %3</source>
        <translation>последнее %1, среднее %2, максимальное %3</translation>
    </message>
    <message>
        <source>%1 (attempts: %2)</source>
        <translation>%1 (попыток: %2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>%1 in / %2 out</source>
        <translation>%1 получено / %2 отправлено</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting</source>
        <translation>
            <numerusform>%n сообщение ожидает</numerusform>
            <numerusform>%n сообщения ожидают</numerusform>
            <numerusform>%n сообщений ожидают</numerusform>
        </translation>
    </message>
    <message>
        <source>Report copied to the clipboard.</source>
        <translation>Отчёт скопирован в буфер обмена.</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>Сохранить отчёт</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>Текстовые файлы (*.txt)</translation>
    </message>
    <message>
        <source>Could not save the report: %1</source>
        <translation>Не удалось сохранить отчёт: %1</translation>
    </message>
    <message>
        <source>Report saved to %1.</source>
        <translation>Отчёт сохранён в %1.</translation>
    </message>
    <message>
        <source>Tether Diagnostics</source>
        <translation>Диагностика Tether</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Сейчас</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Проверки</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>Журнал событий</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Окружение</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Подключено с</translation>
    </message>
    <message>
        <source>Round trip</source>
        <translation>Время отклика</translation>
    </message>
    <message>
        <source>Reconnects</source>
        <translation>Переподключения</translation>
    </message>
    <message>
        <source>Disconnects by close code</source>
        <translation>Разрывы по кодам закрытия</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Сообщения</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Данные</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Исходящие</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <source>Server address to check</source>
        <translation>Адрес сервера для проверки</translation>
    </message>
    <message>
        <source>&amp;Run checks</source>
        <translation>&amp;Запустить проверки</translation>
    </message>
    <message>
        <source>Run checks</source>
        <translation>Запустить проверки</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Check results</source>
        <translation>Результаты проверок</translation>
    </message>
    <message>
        <source>Checks the way to the server step by step: name lookup, connection, encryption, the server itself and the chat channel.</source>
        <translation>Проверяет путь до сервера шаг за шагом: поиск имени, соединение, шифрование, сам сервер и канал чата.</translation>
    </message>
    <message>
        <source>Filter events…</source>
        <translation>Фильтр событий…</translation>
    </message>
    <message>
        <source>Filter events</source>
        <translation>Фильтр событий</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>Все типы</translation>
    </message>
    <message>
        <source>Event kind</source>
        <translation>Тип события</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Тип</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Событие</translation>
    </message>
    <message>
        <source>Connection event log</source>
        <translation>Журнал событий соединения</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>&amp;Копировать отчёт</translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation>Копировать отчёт</translation>
    </message>
    <message>
        <source>&amp;Save report…</source>
        <translation>&amp;Сохранить отчёт…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Report status</source>
        <translation>Состояние отчёта</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Попытка</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Подключено</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Закрытие</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <source>Token refresh</source>
        <translation>Обновление токена</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Сеть</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Проверка связи</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Сведения</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 Б</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 КиБ</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 МиБ</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Отчёт</translation>
    </message>
    <message>
        <source>Include my user name in the report</source>
        <translation>Указать в отчёте моё имя пользователя</translation>
    </message>
    <message>
        <source>Report for support staff</source>
        <translation>Отчёт для службы поддержки</translation>
    </message>
    <message>
        <source>Copy and Save give support staff this report in English.</source>
        <translation>«Копировать» и «Сохранить» дают службе поддержки этот отчёт на английском.</translation>
    </message>
</context>
<context>
    <name>Tether::DiagnosticsRunner</name>
    <message>
        <source>DNS lookup</source>
        <translation>Поиск DNS</translation>
    </message>
    <message>
        <source>TCP connect</source>
        <translation>Соединение TCP</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>Рукопожатие TLS</translation>
    </message>
    <message>
        <source>HTTP /health</source>
        <translation>HTTP /health</translation>
    </message>
    <message>
        <source>WebSocket handshake</source>
        <translation>Рукопожатие WebSocket</translation>
    </message>
    <message>
        <source>Ping round trips</source>
        <translation>Пинги до сервера и обратно</translation>
    </message>
    <message>
        <source>Proxy in use</source>
        <translation>Используемый прокси</translation>
    </message>
    <message>
        <source>Network reachability</source>
        <translation>Доступность сети</translation>
    </message>
    <message>
        <source>Fix the earlier failing check first.</source>
        <translation>Сначала устраните проблему в предыдущей проверке.</translation>
    </message>
    <message>
        <source>The address &quot;%1&quot; is not a valid server URL.</source>
        <translation>Адрес «%1» не является корректным адресом сервера.</translation>
    </message>
    <message>
        <source>Use an address like ws://chat.example.com/ws or wss://chat.example.com/ws.</source>
        <translation>Используйте адрес вида ws://chat.example.com/ws или wss://chat.example.com/ws.</translation>
    </message>
    <message>
        <source>Skipped: the server address is not valid.</source>
        <translation>Пропущено: некорректный адрес сервера.</translation>
    </message>
    <message>
        <source>%1 is an IP address; no lookup needed.</source>
        <translation>%1 — это IP-адрес, поиск не нужен.</translation>
    </message>
    <message>
        <source>%1 could not be resolved: %2</source>
        <translation>Не удалось найти адрес %1: %2</translation>
    </message>
    <message>
        <source>The server name was not found. Check the address for typos, then your internet connection or DNS settings.</source>
        <translation>Имя сервера не найдено. Проверьте адрес на опечатки, затем подключение к интернету или настройки DNS.</translation>
    </message>
    <message>
        <source>Skipped: the server name could not be resolved.</source>
        <translation>Пропущено: не удалось найти адрес сервера.</translation>
    </message>
    <message>
        <source>%1 resolves to %2</source>
        <translation>%1 соответствует адресам %2</translation>
    </message>
    <message>
        <source>No answer for %1 within %2 ms.</source>
        <translation>Нет ответа для %1 за %2 мс.</translation>
    </message>
    <message>
        <source>The DNS server did not answer in time. Check your internet connection.</source>
        <translation>DNS-сервер не ответил вовремя. Проверьте подключение к интернету.</translation>
    </message>
    <message>
        <source>Connected to %1 port %2 (%3).</source>
        <translation>Подключено к %1, порт %2 (%3).</translation>
    </message>
    <message>
        <source>Port %1: %2</source>
        <translation>Порт %1: %2</translation>
    </message>
    <message>
        <source>The computer answered but nothing is listening on that port: the server is not running, or the port is wrong.</source>
        <translation>Компьютер ответил, но этот порт никто не слушает: сервер не запущен или указан неверный порт.</translation>
    </message>
    <message>
        <source>The proxy refused or failed the connection. Check the proxy settings.</source>
        <translation>Прокси отклонил или не смог установить соединение. Проверьте настройки прокси.</translation>
    </message>
    <message>
        <source>The server could not be reached. A firewall may be blocking the port, or the server is down.</source>
        <translation>Сервер недоступен. Возможно, порт заблокирован брандмауэром или сервер не работает.</translation>
    </message>
    <message>
        <source>Skipped: no TCP connection to the server.</source>
        <translation>Пропущено: нет TCP-соединения с сервером.</translation>
    </message>
    <message>
        <source>No answer on port %1 within %2 ms.</source>
        <translation>Нет ответа на порту %1 за %2 мс.</translation>
    </message>
    <message>
        <source>Packets seem to be dropped on the way: often a firewall, a VPN or a captive Wi-Fi portal.</source>
        <translation>Похоже, пакеты теряются по пути: часто причина в брандмауэре, VPN или странице входа в сеть Wi-Fi.</translation>
    </message>
    <message>
        <source>Not used: %1:// connections are not encrypted.</source>
        <translation>Не используется: соединения %1:// не шифруются.</translation>
    </message>
    <message>
        <source>Use wss:// for servers outside your own computer or network.</source>
        <translation>Для серверов за пределами вашего компьютера или сети используйте wss://.</translation>
    </message>
    <message>
        <source>No TLS library is available to Qt.</source>
        <translation>Qt не может найти библиотеку TLS.</translation>
    </message>
    <message>
        <source>Install OpenSSL (libssl) so encrypted connections can be made.</source>
        <translation>Установите OpenSSL (libssl), чтобы можно было устанавливать зашифрованные соединения.</translation>
    </message>
    <message>
        <source>Skipped: TLS is not available.</source>
        <translation>Пропущено: TLS недоступен.</translation>
    </message>
    <message>
        <source>Certificate: %1; issued by %2; expires %3.</source>
        <translation>Сертификат: %1; выдан %2; действует до %3.</translation>
    </message>
    <message>
        <source>Handshake completed (%1). </source>
        <translation>Рукопожатие выполнено (%1). </translation>
    </message>
    <message>
        <source>The encrypted connection could not be set up. The server may not speak TLS on this port.</source>
        <translation>Не удалось установить зашифрованное соединение. Возможно, сервер не поддерживает TLS на этом порту.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted (expired, self-signed or for another name). Do not continue on an untrusted network; ask the server&apos;s administrator.</source>
        <translation>Сертификату сервера нельзя доверять (истёк, самоподписанный или выдан для другого имени). Не продолжайте в недоверенной сети; обратитесь к администратору сервера.</translation>
    </message>
    <message>
        <source>Skipped: the TLS handshake failed.</source>
        <translation>Пропущено: рукопожатие TLS не удалось.</translation>
    </message>
    <message>
        <source>The TLS handshake did not complete within %1 ms.</source>
        <translation>Рукопожатие TLS не завершилось за %1 мс.</translation>
    </message>
    <message>
        <source>Something between you and the server holds the connection without answering (a proxy or firewall inspecting traffic).</source>
        <translation>Что-то между вами и сервером удерживает соединение, не отвечая (прокси или брандмауэр, проверяющий трафик).</translation>
    </message>
    <message>
        <source>%1 answered HTTP 200: server version %2, up %3 s.</source>
        <translation>%1 ответил HTTP 200: версия сервера %2, работает %3 с.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
    <message>
        <source>%1 answered HTTP %2.</source>
        <translation>%1 ответил HTTP %2.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>The server accepted the connection but did not answer in time: it may be overloaded or stuck.</source>
        <translation>Сервер принял соединение, но не ответил вовремя: возможно, он перегружен или завис.</translation>
    </message>
    <message>
        <source>The server answered but has no /health page: this may not be a Tether server, or a proxy in front of it routes it elsewhere.</source>
        <translation>Сервер ответил, но страницы /health у него нет: возможно, это не сервер Tether или прокси перед ним направляет запрос в другое место.</translation>
    </message>
    <message>
        <source>The server (or a proxy in front of it) reports an internal problem.</source>
        <translation>Сервер (или прокси перед ним) сообщает о внутренней ошибке.</translation>
    </message>
    <message>
        <source>The server&apos;s HTTP side is not healthy; chat may still work if the WebSocket check passes.</source>
        <translation>HTTP-часть сервера работает с ошибками; чат может работать, если проверка WebSocket пройдена.</translation>
    </message>
    <message>
        <source>Upgraded to WebSocket at %1.</source>
        <translation>Соединение переведено на WebSocket: %1.</translation>
    </message>
    <message>
        <source>The server did not accept the WebSocket upgrade. Check the path (usually /ws) and whether a proxy in front of the server forwards WebSocket connections.</source>
        <translation>Сервер не принял переход на WebSocket. Проверьте путь (обычно /ws) и пропускает ли прокси перед сервером соединения WebSocket.</translation>
    </message>
    <message>
        <source>Skipped: the WebSocket handshake failed.</source>
        <translation>Пропущено: рукопожатие WebSocket не удалось.</translation>
    </message>
    <message>
        <source>No WebSocket handshake within %1 ms.</source>
        <translation>Рукопожатие WebSocket не выполнено за %1 мс.</translation>
    </message>
    <message>
        <source>Skipped: there is no WebSocket connection to ping.</source>
        <translation>Пропущено: нет соединения WebSocket для пинга.</translation>
    </message>
    <message>
        <source>%1 of %2 answered; round trip min %3 / avg %4 / max %5 ms.</source>
        <translation>Ответов: %1 из %2; время отклика мин. %3 / сред. %4 / макс. %5 мс.</translation>
    </message>
    <message>
        <source>The connection works but is slow; messages will take a while to arrive.</source>
        <translation>Соединение работает, но медленно; сообщения будут доходить с задержкой.</translation>
    </message>
    <message>
        <source>The server closed the connection (%1 %2) before all pings were answered. %3</source>
        <translation>Сервер закрыл соединение (%1 %2), не ответив на все пинги. %3</translation>
    </message>
    <message>
        <source>The server closed the connection right after the handshake (%1 %2).</source>
        <translation>Сервер закрыл соединение сразу после рукопожатия (%1 %2).</translation>
    </message>
    <message>
        <source>The server accepts the connection but drops it: for 4003 the account or guest access is refused, otherwise check the server&apos;s logs.</source>
        <translation>Сервер принимает соединение, но разрывает его: код 4003 означает отказ учётной записи или гостевому доступу, в остальных случаях смотрите журналы сервера.</translation>
    </message>
    <message>
        <source>Ping %1 got no answer within %2 ms. %3</source>
        <translation>Пинг %1 остался без ответа за %2 мс. %3</translation>
    </message>
    <message>
        <source>The connection opens but then stalls: a proxy or firewall may be holding or dropping WebSocket traffic.</source>
        <translation>Соединение открывается, но затем зависает: возможно, прокси или брандмауэр задерживает или отбрасывает трафик WebSocket.</translation>
    </message>
    <message>
        <source>application setting</source>
        <translation>настройка приложения</translation>
    </message>
    <message>
        <source>system settings</source>
        <translation>системные настройки</translation>
    </message>
    <message>
        <source>No proxy: connections go directly to the server (%1).</source>
        <translation>Без прокси: соединения идут напрямую к серверу (%1).</translation>
    </message>
    <message>
        <source>Connections go through %1 (%2).</source>
        <translation>Соединения идут через %1 (%2).</translation>
    </message>
    <message>
        <source>If the checks above fail only here, the proxy may not allow WebSocket connections or may close idle ones.</source>
        <translation>Если проверки выше не проходят только здесь, возможно, прокси не пропускает WebSocket или закрывает простаивающие соединения.</translation>
    </message>
    <message>
        <source>This system offers no network status information to Qt.</source>
        <translation>Система не сообщает Qt о состоянии сети.</translation>
    </message>
    <message>
        <source>Not a problem by itself: Tether then assumes the network is up.</source>
        <translation>Само по себе это не проблема: в этом случае Tether считает, что сеть есть.</translation>
    </message>
    <message>
        <source>Backend %1 reports: %2.</source>
        <translation>Модуль %1 сообщает: %2.</translation>
    </message>
    <message>
        <source>The system says this computer is offline. Connect to a network (Wi-Fi, cable) first.</source>
        <translation>Система сообщает, что компьютер не в сети. Сначала подключитесь к сети (Wi-Fi, кабель).</translation>
    </message>
    <message>
        <source>Only the local network is reachable, not the internet; a captive portal may need you to sign in.</source>
        <translation>Доступна только локальная сеть, но не интернет; возможно, нужно войти через страницу авторизации сети.</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint: %1.</source>
        <translation>Отпечаток SHA-256: %1.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not the one trusted for it before (tls_pin_mismatch). It may have been replaced, or someone is intercepting the connection: ask the server&apos;s administrator before trusting the new one.</source>
        <translation>Сертификат сервера не тот, которому доверяли раньше (tls_pin_mismatch). Возможно, его заменили, или кто-то перехватывает соединение: прежде чем доверять новому, спросите администратора сервера.</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 ms (timed out).</source>
        <translation>%1 не ответил за %2 мс (время ожидания истекло).</translation>
    </message>
    <message>
        <source>The WebSocket upgrade was answered with HTTP %1: something between you and the server (a proxy or firewall) blocks WebSocket. The Automatic transport setting falls back to HTTP long polling.</source>
        <translation>На переход на WebSocket пришёл ответ HTTP %1: что-то между вами и сервером (прокси или межсетевой экран) блокирует WebSocket. В режиме транспорта «Автоматически» связь переходит на HTTP long polling.</translation>
    </message>
    <message>
        <source>The WebSocket upgrade looks blocked on the way to the server (a proxy or firewall). The Automatic transport setting falls back to HTTP long polling.</source>
        <translation>Похоже, переход на WebSocket блокируется по пути к серверу (прокси или межсетевой экран). В режиме транспорта «Автоматически» связь переходит на HTTP long polling.</translation>
    </message>
</context>
<context>
    <name>Tether::MessageDelegate</name>
    <message>
        <source>Waiting for connection</source>
        <translation>Ждёт соединения</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Отправляется…</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Не отправлено</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <source>Unread messages</source>
        <translation>Непрочитанные сообщения</translation>
    </message>
</context>
<context>
    <name>Tether::MessageModel</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 в %2: %3</translation>
    </message>
</context>
<context>
    <name>Tether::SettingsDialog</name>
    <message>
        <source>&amp;CA certificates file:</source>
        <translation>&amp;Файл сертификатов ЦС:</translation>
    </message>
    <message>
        <source>PEM file of a self-hosted server&apos;s own certificate authority</source>
        <translation>PEM-файл собственного центра сертификации вашего сервера</translation>
    </message>
    <message>
        <source>CA certificates file</source>
        <translation>Файл сертификатов ЦС</translation>
    </message>
    <message>
        <source>Fallback servers are copies of the same service: they share your account. Another server address is another service, with its own account and messages.</source>
        <translation>Резервные серверы — копии того же сервиса: у них общая учётная запись. Другой адрес сервера — другой сервис, со своей учётной записью и сообщениями.</translation>
    </message>
    <message>
        <source>Tether Settings</source>
        <translation>Настройки Tether</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Общие</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Прокси</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Дополнительно</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>Sign-in tokens are kept in the system keychain.</source>
        <translation>Данные для входа хранятся в системной связке ключей.</translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation>&amp;Адрес сервера:</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Адрес сервера</translation>
    </message>
    <message>
        <source>&amp;Fallback servers:</source>
        <translation>&amp;Резервные серверы:</translation>
    </message>
    <message>
        <source>Fallback servers, one per line</source>
        <translation>Резервные серверы, по одному в строке</translation>
    </message>
    <message>
        <source>One address per line, tried in turn</source>
        <translation>По одному адресу в строке, пробуются по очереди</translation>
    </message>
    <message>
        <source>Switch &amp;after failed attempts:</source>
        <translation>Переключаться &amp;после неудачных попыток:</translation>
    </message>
    <message>
        <source>Failed attempts before switching to the next server</source>
        <translation>Число неудачных попыток до переключения на следующий сервер</translation>
    </message>
    <message>
        <source>Use the &amp;system proxy settings</source>
        <translation>Использовать &amp;системные настройки прокси</translation>
    </message>
    <message>
        <source>&amp;No proxy</source>
        <translation>&amp;Без прокси</translation>
    </message>
    <message>
        <source>&amp;Manual proxy:</source>
        <translation>&amp;Прокси вручную:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Тип:</translation>
    </message>
    <message>
        <source>Proxy type</source>
        <translation>Тип прокси</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Узел:</translation>
    </message>
    <message>
        <source>Proxy host</source>
        <translation>Узел прокси</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>П&amp;орт:</translation>
    </message>
    <message>
        <source>Proxy port</source>
        <translation>Порт прокси</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> мс</translation>
    </message>
    <message>
        <source>&amp;Heartbeat interval:</source>
        <translation>&amp;Интервал проверки связи:</translation>
    </message>
    <message>
        <source>Heartbeat interval in milliseconds</source>
        <translation>Интервал проверки связи в миллисекундах</translation>
    </message>
    <message>
        <source>&amp;Answer timeout:</source>
        <translation>&amp;Ожидание ответа:</translation>
    </message>
    <message>
        <source>Heartbeat answer timeout in milliseconds</source>
        <translation>Время ожидания ответа на проверку связи в миллисекундах</translation>
    </message>
    <message>
        <source>&amp;Connect timeout:</source>
        <translation>Ожидание &amp;подключения:</translation>
    </message>
    <message>
        <source>Connect timeout in milliseconds</source>
        <translation>Время ожидания подключения в миллисекундах</translation>
    </message>
    <message>
        <source>&amp;First retry after:</source>
        <translation>П&amp;ервая повторная попытка через:</translation>
    </message>
    <message>
        <source>First retry delay in milliseconds</source>
        <translation>Задержка первой повторной попытки в миллисекундах</translation>
    </message>
    <message>
        <source>&amp;Longest retry wait:</source>
        <translation>&amp;Наибольшая пауза между попытками:</translation>
    </message>
    <message>
        <source>Longest retry delay in milliseconds</source>
        <translation>Наибольшая задержка между попытками в миллисекундах</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>ОК</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Применить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>“%1” is not a server address. Use one like wss://chat.example.com/ws.</source>
        <translation>«%1» — не адрес сервера. Адрес выглядит так: wss://chat.example.com/ws.</translation>
    </message>
    <message>
        <source>In use now:</source>
        <translation>Используется сейчас:</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>нет соединения</translation>
    </message>
    <message>
        <source>Server in use now</source>
        <translation>Сервер, используемый сейчас</translation>
    </message>
    <message>
        <source>Leave empty to use the built-in local server. A new address is used as soon as you apply it, also when Tether was started with --server.</source>
        <translation>Оставьте пустым, чтобы использовать встроенный локальный сервер. Новый адрес начинает действовать сразу после применения, даже если Tether запущен с ключом --server.</translation>
    </message>
    <message>
        <source>No keychain service is available: sign-in tokens are kept in memory only and are gone when Tether quits.</source>
        <translation>Служба связки ключей недоступна: токены входа хранятся только в памяти и пропадут при выходе из Tether.</translation>
    </message>
    <message>
        <source>&amp;Transport:</source>
        <translation>&amp;Транспорт:</translation>
    </message>
    <message>
        <source>Automatic (WebSocket, HTTP fallback when blocked)</source>
        <translation>Автоматически (WebSocket, при блокировке — HTTP)</translation>
    </message>
    <message>
        <source>WebSocket only</source>
        <translation>Только WebSocket</translation>
    </message>
    <message>
        <source>HTTP long polling only</source>
        <translation>Только HTTP (long polling)</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
    <message>
        <source>&amp;Retry WebSocket every:</source>
        <translation>&amp;Снова пробовать WebSocket каждые:</translation>
    </message>
    <message>
        <source>How often the HTTP fallback tries WebSocket again, in milliseconds</source>
        <translation>Как часто при работе через HTTP снова пробовать WebSocket, в миллисекундах</translation>
    </message>
</context>
<context>
    <name>Tether::SignInDialog</name>
    <message>
        <source>Enter the server address, for example wss://chat.example.com/ws.</source>
        <translation>Введите адрес сервера, например wss://chat.example.com/ws.</translation>
    </message>
    <message>
        <source>Enter your username and password, or continue as a guest.</source>
        <translation>Введите имя пользователя и пароль или продолжите как гость.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>Неверное имя пользователя или пароль.</translation>
    </message>
    <message>
        <source>Too many attempts. Wait a minute and try again.</source>
        <translation>Слишком много попыток. Подождите минуту и попробуйте снова.</translation>
    </message>
    <message>
        <source>The server refused the sign-in (HTTP %1).</source>
        <translation>Сервер отказал во входе (HTTP %1).</translation>
    </message>
    <message>
        <source>Sign in to Tether</source>
        <translation>Вход в Tether</translation>
    </message>
    <message>
        <source>Sign in with your account, or continue as a guest to chat right away.</source>
        <translation>Войдите в свою учётную запись или продолжите как гость, чтобы сразу начать общение.</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation>&amp;Имя пользователя:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Адрес сервера</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Имя пользователя</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Continue as guest</source>
        <translation>Продолжить как гость</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Sign-in status</source>
        <translation>Состояние входа</translation>
    </message>
    <message>
        <source>Where your sign-in is kept</source>
        <translation>Где хранятся данные для входа</translation>
    </message>
    <message>
        <source>Your sign-in is remembered in the system keychain.</source>
        <translation>Данные для входа запоминаются в системной связке ключей.</translation>
    </message>
    <message>
        <source>Choose a username and a password for the new account.</source>
        <translation>Придумайте имя пользователя и пароль для нового аккаунта.</translation>
    </message>
    <message>
        <source>Creating the account…</source>
        <translation>Создание аккаунта…</translation>
    </message>
    <message>
        <source>This username is taken. Choose another one, or sign in with it.</source>
        <translation>Это имя уже занято. Выберите другое или войдите с ним.</translation>
    </message>
    <message>
        <source>This server does not let people create accounts. Ask its administrator for one.</source>
        <translation>Этот сервер не разрешает создавать аккаунты. Попросите аккаунт у его администратора.</translation>
    </message>
    <message>
        <source>Use letters, digits, dots, dashes or underscores for the username (at most 64), and any password that is not empty.</source>
        <translation>Имя пользователя может содержать буквы, цифры, точки, дефисы и подчёркивания (не больше 64 знаков); пароль — любой непустой.</translation>
    </message>
    <message>
        <source>Could not reach the server. Check the address and your connection.</source>
        <translation>Не удалось связаться с сервером. Проверьте адрес и подключение.</translation>
    </message>
    <message>
        <source>This is the built-in server on this computer. Create an account here with any name and password, sign in to one you created, or continue as a guest.</source>
        <translation>Это встроенный сервер на этом компьютере. Создайте здесь аккаунт с любым именем и паролем, войдите в созданный ранее или продолжите как гость.</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Создать аккаунт</translation>
    </message>
    <message>
        <source>Create an account with this username and password</source>
        <translation>Создать аккаунт с этим именем пользователя и паролем</translation>
    </message>
    <message>
        <source>No keychain service is available. Your sign-in is kept in memory only: you will need to sign in again after restarting Tether.</source>
        <translation>Служба связки ключей недоступна. Данные входа хранятся только в памяти: после перезапуска Tether потребуется войти снова.</translation>
    </message>
</context>
<context>
    <name>Tether::StatusIndicator</name>
    <message>
        <source>Connection status: %1</source>
        <translation>Статус соединения: %1</translation>
    </message>
    <message>
        <source>Status colour</source>
        <translation>Цвет статуса</translation>
    </message>
    <message>
        <source>Status icon</source>
        <translation>Значок статуса</translation>
    </message>
</context>
<context>
    <name>Tether::TrayNotifier</name>
    <message>
        <source>Connection lost</source>
        <translation>Соединение потеряно</translation>
    </message>
    <message>
        <source>Tether is reconnecting. Messages you write are kept and sent when the connection is back.</source>
        <translation>Tether переподключается. Написанные сообщения сохранятся и уйдут, когда связь восстановится.</translation>
    </message>
    <message>
        <source>Connection restored</source>
        <translation>Соединение восстановлено</translation>
    </message>
    <message>
        <source>Tether is connected again; waiting messages are being sent.</source>
        <translation>Tether снова на связи; ожидающие сообщения отправляются.</translation>
    </message>
    <message>
        <source>Show Tether</source>
        <translation>Показать Tether</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
</context>
<context>
    <name>Tether::TrustCertificateDialog</name>
    <message>
        <source>Trust this server&apos;s certificate?</source>
        <translation>Доверять сертификату этого сервера?</translation>
    </message>
    <message>
        <source>No certificate authority this computer trusts vouches for %1. Its certificate has this SHA-256 fingerprint:</source>
        <translation>Ни один центр сертификации, которому доверяет этот компьютер, не подтверждает %1. Отпечаток SHA-256 его сертификата:</translation>
    </message>
    <message>
        <source>Trust it only if the server&apos;s administrator gave you the same fingerprint. Tether will then accept exactly this certificate for this server, and refuse any other.</source>
        <translation>Доверяйте ему, только если администратор сервера сообщил вам тот же отпечаток. Тогда Tether будет принимать для этого сервера именно этот сертификат и отклонять любой другой.</translation>
    </message>
    <message>
        <source>Trust this certificate</source>
        <translation>Доверять этому сертификату</translation>
    </message>
    <message>
        <source>Do not connect</source>
        <translation>Не подключаться</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Connect to the server at &lt;url&gt; (ws:// or wss://).</source>
        <translation>Подключиться к серверу по адресу &lt;url&gt; (ws:// или wss://).</translation>
    </message>
    <message>
        <source>User interface language: en or ru.</source>
        <translation>Язык интерфейса: en или ru.</translation>
    </message>
    <message>
        <source>Use the built-in local server (guests and the echo bot).</source>
        <translation>Использовать встроенный локальный сервер (гости и эхо-бот).</translation>
    </message>
    <message>
        <source>Check the connection to &lt;url&gt;, print a report and exit (exit code 1 if a check fails).</source>
        <translation>Проверить соединение с &lt;url&gt;, вывести отчёт и завершиться (код выхода 1, если проверка не пройдена).</translation>
    </message>
    <message>
        <source>Tether: a chat whose connection survives anything.</source>
        <translation>Tether — чат, соединение которого переживает всё.</translation>
    </message>
    <message>
        <source>Tether</source>
        <translation>Tether</translation>
    </message>
    <message>
        <source>Use the profile &lt;name&gt;: its own settings, messages and window, beside other profiles.</source>
        <translation>Использовать профиль &lt;name&gt;: свои настройки, сообщения и окно, рядом с другими профилями.</translation>
    </message>
    <message>
        <source>With --diagnose: attach the report&apos;s data as JSON.</source>
        <translation>Вместе с --diagnose: приложить данные отчёта в формате JSON.</translation>
    </message>
</context>
</TS>
