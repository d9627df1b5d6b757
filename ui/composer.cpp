#include "composer.h"

#include <QEvent>
#include <QKeyEvent>

namespace Tether {

Composer::Composer(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("composer"));
    setTabChangesFocus(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    retranslateUi();
}

void Composer::retranslateUi()
{
    // Short enough for one line at the minimum width; the keys are explained in the tooltip.
    setPlaceholderText(tr("Write a message…"));
    setToolTip(tr("Enter sends, Shift+Enter starts a new line."));
    setAccessibleName(tr("Message text"));
    setAccessibleDescription(tr("Enter sends, Shift+Enter starts a new line. Messages written "
                                "while offline are sent when the connection is back."));
    updateGeometry();
}

QSize Composer::sizeHint() const
{
    const int lines = 3;
    return QSize(qMax(QPlainTextEdit::sizeHint().width(), minimumSizeHint().width()),
                 fontMetrics().lineSpacing() * lines + int(document()->documentMargin() * 2) + frameWidth() * 2);
}

QSize Composer::minimumSizeHint() const
{
    // The hint on one line, and room for a usable line of text, whichever is wider.
    const int chrome = int(document()->documentMargin() * 2) + frameWidth() * 2 + viewportMargins().left()
        + viewportMargins().right() + 4;
    const int text = qMax(fontMetrics().horizontalAdvance(placeholderText()),
                          fontMetrics().averageCharWidth() * MinimumChars);
    return QSize(text + chrome, QPlainTextEdit::minimumSizeHint().height());
}

void Composer::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    QPlainTextEdit::changeEvent(event);
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        Q_EMIT submitted();
        event->accept();
        return;
    }
    if (enter) {
        insertPlainText(QStringLiteral("\n"));
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace Tether
