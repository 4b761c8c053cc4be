import QtQuick
import QtQuick.Controls

// A run state (RunState names, upper case) or a service state (protocol.json's ServiceState,
// lower case) as a coloured label.
Rectangle {
    id: chip
    property string value: ""
    readonly property color tint: {
        switch (chip.value) {
        case "READY": case "healthy": case "completed": return "#2ea043"
        case "FAILED": case "failed": return "#d1242f"
        case "STOPPED": case "stopped": return "#8a8f98"
        default: return "#2f7de1"
        }
    }
    implicitWidth: label.implicitWidth + 12
    implicitHeight: label.implicitHeight + 4
    radius: 3
    color: Qt.rgba(tint.r, tint.g, tint.b, 0.15)
    border.color: tint
    Label {
        id: label
        anchors.centerIn: parent
        text: chip.value
        color: chip.tint
        font.pixelSize: 11
        font.bold: true
    }
}
