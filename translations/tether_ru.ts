<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en_US">
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
        <name>Tether::ConnectionBanner</name>
        <message>
            <source>Connecting…</source>
            <translation>Подключение…</translation>
        </message>
        <message numerus="yes">
            <source>Connection lost. Reconnecting in %n s…</source>
            <translation>
                <numerusform>Соединение потеряно. Переподключение через %n с…</numerusform>
                <numerusform>Соединение потеряно. Переподключение через %n с…</numerusform>
                <numerusform>Соединение потеряно. Переподключение через %n с…</numerusform>
            </translation>
        </message>
        <message>
            <source>Retry now</source>
            <translation>Повторить сейчас</translation>
        </message>
        <message>
            <source>Waiting for network…</source>
            <translation>Ожидание сети…</translation>
        </message>
        <message>
            <source>Session expired —</source>
            <translation>Сеанс истёк —</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>Войти</translation>
        </message>
        <message numerus="yes">
            <source>Could not connect after %n attempts —</source>
            <translation>
                <numerusform>Не удалось подключиться после %n попытки —</numerusform>
                <numerusform>Не удалось подключиться после %n попыток —</numerusform>
                <numerusform>Не удалось подключиться после %n попыток —</numerusform>
            </translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Повторить</translation>
        </message>
        <message>
            <source>Connected</source>
            <translation>Подключено</translation>
        </message>
        <message>
            <source>Connection status icon</source>
            <translation>Значок статуса соединения</translation>
        </message>
        <message>
            <source>Connection banner</source>
            <translation>Баннер соединения</translation>
        </message>
    </context>
    <context>
        <name>Tether::StatusIndicator</name>
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
</TS>
