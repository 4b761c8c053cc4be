import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// Translation report lines: status chip, service and key, the reason, and file:line.
// Arrow keys move through the lines; each line reads out whole to a screen reader.
ListView {
    id: list
    clip: true
    interactive: contentHeight > height
    keyNavigationEnabled: true
    activeFocusOnTab: true
    highlightFollowsCurrentItem: true
    currentIndex: -1 // nothing marked until the keyboard moves through the lines
    highlight: Rectangle { color: Qt.rgba(0.04, 0.41, 0.85, 0.15) }
    ScrollBar.vertical: ScrollBar {}
    delegate: RowLayout {
        id: line
        required property int index
        required property string service
        required property string key
        required property string status
        required property int tone
        required property string reason
        required property string location
        width: ListView.view.width
        spacing: 8
        Accessible.role: Accessible.ListItem
        Accessible.name: line.status + ": " + line.service + " " + line.key + ", " + line.reason
                         + (line.location ? ", at " + line.location : "")
        StateChip { value: line.status; tone: line.tone; Layout.preferredWidth: 70 }
        Label {
            text: (line.service || "run") + (line.key ? " · " + line.key : "")
            textFormat: Text.PlainText
            font.bold: true
            Layout.preferredWidth: 170
            elide: Text.ElideRight
        }
        Label {
            text: line.reason
            textFormat: Text.PlainText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            text: line.location
            textFormat: Text.PlainText
            opacity: 0.7
            font.family: "monospace"
        }
    }
}
