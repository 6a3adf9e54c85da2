// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// E.164 prefixes as one uint64: the digit string in bijective base 11, so every prefix of a number is found by integer
// division (one step per digit) and prefixes of different lengths never collide ("1" != "01" != "10").
import {ITnAuthority} from "./ITnAuthority.sol";

/// @notice An E.164 prefix of 1..15 digits: sum of (digit + 1) * 11^position, most significant digit first.
/// 0 is the empty prefix (the root above every country code).
type TnPrefix is uint64;

/// @notice Parsing, walking and printing of TnPrefix values.
library TnPrefixLib {
    /// @notice E.164 allows at most 15 digits.
    uint256 internal constant MAX_DIGITS = 15;

    /// @notice Parses 1..15 ASCII digits not starting with "0".
    /// @dev Reverts ITnAuthority.InvalidPrefix naming the problem and the offending position.
    function parse(string calldata text) internal pure returns (TnPrefix) {
        bytes calldata raw = bytes(text);
        uint256 digits = raw.length;
        if (digits == 0) revert ITnAuthority.InvalidPrefix(text, ITnAuthority.PrefixProblem.Empty, 0);
        if (digits > MAX_DIGITS) {
            revert ITnAuthority.InvalidPrefix(text, ITnAuthority.PrefixProblem.TooLong, digits);
        }
        if (raw[0] == "0") revert ITnAuthority.InvalidPrefix(text, ITnAuthority.PrefixProblem.LeadingZero, 0);
        // The digits are read from one calldata word (at most 15 bytes of it; calldataload pads past the end with
        // zeros). At most 15 digits of at most 10 each in base 11 stay below 11^16 < 2^56, so nothing here can
        // overflow (unchecked: this runs once per digit of every grant, issue 12's gas target).
        uint256 word;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := calldataload(raw.offset)
        }
        uint64 value = 0;
        unchecked {
            for (uint256 i = 0; i < digits; ++i) {
                uint8 c = uint8(word >> (248 - 8 * i));
                if (c < 0x30 || c > 0x39) {
                    revert ITnAuthority.InvalidPrefix(text, ITnAuthority.PrefixProblem.NotADigit, i);
                }
                value = value * 11 + (c - 0x2f);
            }
        }
        return TnPrefix.wrap(value);
    }

    /// @notice The prefix one digit shorter (0 for a one-digit prefix).
    function parent(TnPrefix prefix) internal pure returns (TnPrefix) {
        return TnPrefix.wrap(TnPrefix.unwrap(prefix) / 11);
    }

    /// @notice Number of digits.
    function length(TnPrefix prefix) internal pure returns (uint256 digits) {
        // At most 15 steps: the counter cannot overflow.
        unchecked {
            for (uint64 k = TnPrefix.unwrap(prefix); k != 0; k /= 11) ++digits;
        }
    }

    /// @notice Whether `ancestor` equals `prefix` or is a prefix of it.
    function covers(TnPrefix ancestor, TnPrefix prefix) internal pure returns (bool) {
        // A prefix's parent is its key divided by 11, always smaller, so walking up from `prefix` meets `ancestor`
        // exactly when it covers it, and passes below it otherwise (one step per digit between the two).
        uint64 a = TnPrefix.unwrap(ancestor);
        uint64 k = TnPrefix.unwrap(prefix);
        while (k > a) k /= 11;
        return k == a;
    }

    /// @notice The digit string.
    function toString(TnPrefix prefix) internal pure returns (string memory) {
        uint256 digits = length(prefix);
        bytes memory out = new bytes(digits);
        uint64 k = TnPrefix.unwrap(prefix);
        for (uint256 i = digits; i > 0; --i) {
            out[i - 1] = bytes1(uint8(k % 11) + 0x2f);
            k /= 11;
        }
        return string(out);
    }

    /// @notice Raw key, for mappings.
    function key(TnPrefix prefix) internal pure returns (uint64) {
        return TnPrefix.unwrap(prefix);
    }
}
