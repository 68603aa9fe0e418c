import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Controls.Material.impl

/// A Material combo box without the elevation shadow (see PlainButton.qml for why).
ComboBox {
    id: control

    background: Rectangle {
        implicitWidth: 120
        implicitHeight: control.Material.buttonHeight
        // Square: a 2 px rounding is antialiased, some 110 more triangles a control, which a CPU
        // rasterizer (llvmpipe) sets up one by one on every frame.
        radius: 0
        color: control.Material.dialogColor
        border.width: 1
        border.color: control.Material.dividerColor

        Ripple {
            clipRadius: 0
            width: parent.width
            height: parent.height
            pressed: control.pressed
            anchor: control
            active: control.enabled && (control.pressed || control.visualFocus || control.hovered)
            color: control.Material.rippleColor
        }
    }
}
