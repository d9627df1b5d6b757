#pragma once
// The message input: Enter sends, Shift+Enter starts a new line. It names itself for assistive
// technology, and never gets narrower than its hint, so the hint is never cut off.

#include <QPlainTextEdit>

namespace Tether {

class Composer : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit Composer(QWidget *parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    static constexpr int MinimumChars = 28; // a usable line, in average characters

Q_SIGNALS:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
};

} // namespace Tether
