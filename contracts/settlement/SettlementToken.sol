// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Settlement money in one currency, minted and burned only by consortium settlement banks (see ISettlementToken).
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {ISettlementToken} from "./ISettlementToken.sol";

contract SettlementToken is ERC20, ISettlementToken {
    IConsortiumRegistry private immutable CONSORTIUM;
    uint8 private immutable DECIMALS;
    string private _currency;
    mapping(bytes32 bankRef => bool used) private _bankRefs;

    /// @param consortium_ Registry whose SETTLEMENT_BANK role may mint and burn.
    /// @param currency_ ISO 4217 code, e.g. "EUR" (also the symbol).
    /// @param decimals_ Minor units of the currency (2 for EUR, 0 for JPY).
    constructor(
        IConsortiumRegistry consortium_,
        string memory currency_,
        uint8 decimals_
    ) ERC20(string.concat("Consortium settlement ", currency_), currency_) {
        if (address(consortium_) == address(0)) revert InvalidSettlementArgument("consortium");
        if (bytes(currency_).length != 3) revert InvalidSettlementArgument("currency");
        CONSORTIUM = consortium_;
        DECIMALS = decimals_;
        _currency = currency_;
    }

    modifier onlySettlementBank() {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.SETTLEMENT_BANK)) revert NotSettlementBank(msg.sender);
        _;
    }

    /// @inheritdoc ISettlementToken
    function mintOnFiatReceipt(address member, uint256 amount, bytes32 bankRef) external onlySettlementBank {
        _useReference(member, amount, bankRef);
        _mint(member, amount);
        emit FiatReceived(msg.sender, member, amount, bankRef);
    }

    /// @inheritdoc ISettlementToken
    function burnOnPayout(address member, uint256 amount, bytes32 bankRef) external onlySettlementBank {
        _useReference(member, amount, bankRef);
        _burn(msg.sender, amount);
        emit FiatPaidOut(msg.sender, member, amount, bankRef);
    }

    /// @inheritdoc ISettlementToken
    function currency() external view returns (string memory) {
        return _currency;
    }

    /// @inheritdoc ISettlementToken
    function referenceUsed(bytes32 bankRef) external view returns (bool) {
        return _bankRefs[bankRef];
    }

    /// @inheritdoc ISettlementToken
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @notice Minor units of the currency.
    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }

    function _useReference(address member, uint256 amount, bytes32 bankRef) private {
        if (member == address(0)) revert InvalidSettlementArgument("member");
        if (amount == 0) revert InvalidSettlementArgument("amount");
        if (bankRef == bytes32(0)) revert InvalidSettlementArgument("bankRef");
        if (_bankRefs[bankRef]) revert BankReferenceUsed(bankRef);
        _bankRefs[bankRef] = true;
    }
}
