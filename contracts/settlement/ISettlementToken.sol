// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ISettlementToken
/// @notice The consortium's settlement money in one currency: an ERC-20 whose every unit is backed by fiat a settlement
/// bank holds. A member holding the SETTLEMENT_BANK role in the consortium registry mints when it receives fiat from a
/// member and burns when it pays fiat out; nobody else can create or destroy units. Each bank movement names the
/// bank's own reference (a payment id from its books), and a reference is used once per token: a fiat receipt cannot
/// be minted twice, a payout cannot be burned twice. Amounts are in the currency's minor units (`decimals`).
/// Domains that move money (settlement, auditing, content royalties, data offers) take this token's address.
interface ISettlementToken is IERC20 {
    /// @notice The caller does not hold SETTLEMENT_BANK in the consortium registry.
    error NotSettlementBank(address caller);
    /// @notice The bank reference was already used for a mint or a burn of this token.
    error BankReferenceUsed(bytes32 bankRef);
    /// @notice A zero amount, a zero reference or the zero address was given where a value is required.
    error InvalidSettlementArgument(string what);

    /// @notice `bank` received `amount` in fiat from `member` (bank reference `bankRef`) and minted it to `member`.
    event FiatReceived(address indexed bank, address indexed member, uint256 amount, bytes32 indexed bankRef);
    /// @notice `bank` paid `amount` in fiat out to `member` and burned the same from its own balance.
    event FiatPaidOut(address indexed bank, address indexed member, uint256 amount, bytes32 indexed bankRef);

    /// @notice ISO 4217 alphabetic code of the currency the token stands for (e.g. "EUR").
    function currency() external view returns (string memory);

    /// @notice Mints `amount` to `member` against fiat the calling bank received under `bankRef`.
    function mintOnFiatReceipt(address member, uint256 amount, bytes32 bankRef) external;

    /// @notice Burns `amount` from the calling bank's balance (tokens a member handed in for payout) as it pays
    /// `member` fiat under `bankRef`.
    function burnOnPayout(address member, uint256 amount, bytes32 bankRef) external;

    /// @notice Whether `bankRef` was used for a mint or a burn.
    function referenceUsed(bytes32 bankRef) external view returns (bool);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
