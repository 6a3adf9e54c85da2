// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The PLMN code (MCC + MNC) as a value type, so a network code cannot be mixed up with another bytes6, and its rules.

/// @notice A public land mobile network code: the ASCII digits of MCC (3) then MNC (2 or 3), left-aligned in six bytes;
/// a 2-digit MNC leaves the last byte 0x00. So "MCC 310 MNC 26" is 0x333130323600 and "MCC 310 MNC 260" is
/// 0x333130323630: distinct codes, and each is literally the prefix an IMSI of that network starts with.
type Plmn is bytes6;

/// @title PlmnCodes
/// @notice Validation and structure of `Plmn` values.
library PlmnCodes {
    /// @notice Whether `plmn` is 5 or 6 ASCII digits, left-aligned (a 2-digit MNC pads with one 0x00 byte).
    function isValid(Plmn plmn) internal pure returns (bool) {
        bytes6 raw = Plmn.unwrap(plmn);
        for (uint256 i = 0; i < 5; i++) {
            if (!_isDigit(raw[i])) return false;
        }
        return raw[5] == 0x00 || _isDigit(raw[5]);
    }

    /// @notice Number of MNC digits (2 or 3) of a valid code.
    function mncLength(Plmn plmn) internal pure returns (uint256) {
        return Plmn.unwrap(plmn)[5] == 0x00 ? 2 : 3;
    }

    /// @notice Number of MSIN digits an IMSI (15 digits) of this network has: 10 for a 2-digit MNC, 9 for 3 digits.
    function msinLength(Plmn plmn) internal pure returns (uint256) {
        return 15 - 3 - mncLength(plmn);
    }

    /// @notice The 2-digit-MNC code a 3-digit-MNC code extends (its first five digits); the code itself when 2-digit.
    function shortForm(Plmn plmn) internal pure returns (Plmn) {
        return Plmn.wrap(Plmn.unwrap(plmn) & bytes6(0xffffffffff00));
    }

    /// @notice The 3-digit-MNC code that appends `digit` (0..9) to a 2-digit-MNC code.
    function extend(Plmn plmn, uint256 digit) internal pure returns (Plmn) {
        return Plmn.wrap(Plmn.unwrap(shortForm(plmn)) | bytes6(uint48(0x30 + digit)));
    }

    function _isDigit(bytes1 b) private pure returns (bool) {
        return b >= 0x30 && b <= 0x39;
    }
}
